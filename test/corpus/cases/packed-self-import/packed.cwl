cwlVersion: v1.2
$graph:
  - id: echo
    class: CommandLineTool
    baseCommand: echo
    inputs:
      word: {type: string, inputBinding: {position: 1}}
    outputs:
      out: stdout
    stdout: out.txt
  - id: main
    class: Workflow
    inputs:
      word: string
    outputs:
      o:
        type: File
        outputSource: s/out
    steps:
      s:
        run: {$import: "packed.cwl#echo"}
        in: {word: word}
        out: [out]
