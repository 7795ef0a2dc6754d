cwlVersion: v1.2
class: Workflow
requirements:
  StepInputExpressionRequirement: {}
  ScatterFeatureRequirement: {}
inputs:
  text: string
outputs:
  a:
    type: File
    outputSource: vf/out
steps:
  vf:
    run: echo.cwl
    in:
      msg:
        source: text
        valueFrom: vf-$(self)
    out: [out]
  dflt:
    run: echo.cwl
    in:
      msg:
        default: the-default
    out: [out]
  sc:
    run: echo.cwl
    scatter: msg
    in:
      msg: {default: [p, q]}
    out: [out]
