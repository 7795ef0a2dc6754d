cwlVersion: v1.0
class: CommandLineTool
baseCommand: ls
inputs:
  f:
    type: File
    secondaryFiles: [.idx]
    inputBinding: {position: 1}
    default:
      class: File
      location: data.txt
      secondaryFiles:
        - class: File
          location: data.txt.idx
outputs:
  out: stdout
stdout: listed.txt
