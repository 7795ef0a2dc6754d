cwlVersion: v1.2
class: CommandLineTool
# A loopback port nothing listens on: the pull fails at once, with no DNS lookup or download.
requirements:
  DockerRequirement: {dockerPull: "127.0.0.1:9/bespin-nothing:1"}
baseCommand: echo
arguments: [hi]
inputs: []
outputs:
  out: stdout
