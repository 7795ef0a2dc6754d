cwlVersion: v1.2
class: Workflow
inputs: []
outputs: {o: {type: File, outputSource: s/out}}
steps:
  s: {run: tool.cwl, in: {}, out: [out]}
