cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  crs:
    type:
      type: enum
      symbols:
        - http://www.opengis.net/def/crs/OGC/1.3/CRS84
        - http://www.opengis.net/def/crs/EPSG/0/4326
    inputBinding: {position: 1}
outputs:
  out: stdout
stdout: crs.txt
