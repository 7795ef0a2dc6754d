# An EO-application-package-shaped workflow (a $graph with #main): each item is
# processed in a scattered container step whose script comes from
# InitialWorkDirRequirement, then the results become a STAC catalog, a
# Directory output the platform walks for catalog.json. An item called `fail`
# fails its step; `delay` slows every item down (for cancellation tests).
cwlVersion: v1.2
$graph:
  - class: Workflow
    id: main
    label: STAC catalog of processed items
    requirements:
      ScatterFeatureRequirement: {}
    inputs:
      items: {type: 'string[]', default: [red, green, blue]}
      title: {type: string, default: bespin example}
      delay: {type: int, default: 0}
    outputs:
      stac: {type: Directory, outputSource: catalog/stac}
    steps:
      process:
        run: '#process'
        scatter: item
        in: {item: items, delay: delay}
        out: [feature]
      catalog:
        run: '#catalog'
        in: {features: process/feature, title: title}
        out: [stac]

  - class: CommandLineTool
    id: process
    requirements:
      DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
      ResourceRequirement: {coresMin: 0.25, ramMin: 64}
      InitialWorkDirRequirement:
        listing:
          - entryname: process.sh
            entry: |
              set -e
              echo "processing item $(inputs.item)" >&2
              sleep $(inputs.delay)
              if [ "$(inputs.item)" = fail ]; then
                echo "cannot process item fail: the input is corrupt" >&2
                exit 4
              fi
              printf '{"type": "Feature", "stac_version": "1.0.0", "id": "%s", "properties": {"home": "%s", "tmp": "%s"}}\n' "$(inputs.item)" "$HOME" "$TMPDIR" > "$(inputs.item).json"
    baseCommand: [sh, process.sh]
    inputs:
      item: string
      delay: int
    outputs:
      feature: {type: File, outputBinding: {glob: '$(inputs.item).json'}}

  - class: CommandLineTool
    id: catalog
    requirements:
      DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
      InitialWorkDirRequirement:
        listing:
          - entryname: catalog.sh
            entry: |
              set -e
              mkdir -p stac
              links=""
              sep=""
              for f in "$@"; do
                id=`basename "$f" .json`
                mkdir -p "stac/$id"
                cp "$f" "stac/$id/$id.json"
                links="$links$sep{\"rel\": \"item\", \"href\": \"./$id/$id.json\"}"
                sep=", "
                echo "catalogued $id" >&2
              done
              printf '{"type": "Catalog", "stac_version": "1.0.0", "id": "catalog", "description": "%s", "links": [%s]}\n' "$TITLE" "$links" > stac/catalog.json
      EnvVarRequirement:
        envDef: {TITLE: $(inputs.title)}
    baseCommand: [sh, catalog.sh]
    inputs:
      features: {type: 'File[]', inputBinding: {position: 1}}
      title: string
    outputs:
      stac: {type: Directory, outputBinding: {glob: stac}}
