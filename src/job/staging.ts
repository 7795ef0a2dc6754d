/**
 * What must exist at a path the process sees before it starts: the job's
 * staging plan. The backend realizes it (src/backends/host/hostStaging.ts):
 * as symlinks and copies on the host, or as bind mounts in a container.
 */
export type StagingEntry =
  | { readonly kind: 'link'; readonly source: string; readonly target: string; readonly writable: boolean }
  | { readonly kind: 'copy'; readonly source: string; readonly target: string }
  | { readonly kind: 'write'; readonly contents: string; readonly target: string; readonly writable: boolean }
  | { readonly kind: 'mkdir'; readonly target: string };
