cwlVersion: v1.0
class: CommandLineTool
baseCommand: [sh, -c, 'cat "$0" "$0.idx"']
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
