/** The cluster's one Node object: created Ready with its size, cordoned and uncordoned. */
import os from 'node:os';
import type { Api } from './api.js';
import { findResource } from './resources.js';

const NODES = findResource('', 'nodes')!;

export interface NodeOptions {
  name?: string;
  cpu?: string;
  memory?: string;
  gpu?: number | string;
  labels?: Record<string, string>;
}

/** The one node, Ready, with the allocatable resources it was given. */
export function createNode(api: Api, nodeName: string, node: NodeOptions): void {
  const { cpu, memory, gpu } = nodeSize(node);
  const allocatable: Record<string, string> = { cpu, memory, pods: '110', 'ephemeral-storage': '100Gi', ...(Number(gpu) > 0 ? { 'nvidia.com/gpu': gpu } : {}) };
  api.create(NODES, undefined, {
    metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', ...(node.labels ?? {}) } },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      capacity: allocatable, allocatable,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: nodeName }],
      nodeInfo: { kubeletVersion: 'v1.31.0', kubeProxyVersion: 'v1.31.0', containerRuntimeVersion: 'docker://20.10', operatingSystem: 'linux', architecture: 'amd64', osImage: 'bespin test node', kernelVersion: os.release() },
    },
  });
}

export function nodeSize(node: NodeOptions): { cpu: string; memory: string; gpu: string } {
  return { cpu: node.cpu ?? '2', memory: node.memory ?? '8Gi', gpu: String(node.gpu ?? 0) };
}

/** Cordons or uncordons the node, with the taint the real node controller adds. */
export function setUnschedulable(api: Api, nodeName: string, value: boolean): void {
  api.mutate(NODES, undefined, nodeName, (o) => {
    const taints = ((o.spec.taints ?? []) as { key: string }[]).filter((t) => t.key !== 'node.kubernetes.io/unschedulable');
    if (value) { o.spec.unschedulable = true; taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } as never); }
    else delete o.spec.unschedulable;
    if (taints.length) o.spec.taints = taints;
    else delete o.spec.taints;
  });
}
