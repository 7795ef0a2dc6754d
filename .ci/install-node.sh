#!/usr/bin/env bash
# Makes a Node >= 22 available and prints the directory holding its `node`.
#
#   export PATH="$(bash .ci/install-node.sh):$PATH"    # run it
#   source .ci/install-node.sh                         # or source it: also exports PATH
#
# If the `node` on PATH is already >= 22 nothing is installed. Otherwise Node 24
# comes from the npm registry (package node-linux-<arch>@24) into
# ${BESPIN_NODE_PREFIX:-/opt/node24}, unless a good one is already there.
# Progress goes to stderr; stdout carries only the directory.
# Written to be sourced too: no `exit`, no `set -e`, and names prefixed _bespin_.

_bespin_node_major() { # node binary -> major version, or nothing
  "$1" --version 2>/dev/null | sed -n 's/^v\([0-9][0-9]*\)\..*/\1/p'
}

_bespin_node_bin() {
  local want=22 node major arch prefix dir
  node=$(command -v node 2>/dev/null || true)
  if [ -n "$node" ]; then
    major=$(_bespin_node_major "$node")
    if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
      dirname "$node"
      return 0
    fi
  fi

  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "install-node: unsupported machine $(uname -m)" >&2; return 1 ;;
  esac
  prefix=${BESPIN_NODE_PREFIX:-/opt/node24}
  dir="$prefix/node_modules/node-linux-$arch/bin"
  major=$(_bespin_node_major "$dir/node")
  if [ -z "$major" ] || [ "$major" -lt "$want" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "install-node: npm is needed to fetch Node 24 (apt-get install -y npm)" >&2
      return 1
    fi
    echo "install-node: installing node-linux-$arch@24 into $prefix" >&2
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "node-linux-$arch@24" >&2 || return 1
    major=$(_bespin_node_major "$dir/node")
    if [ -z "$major" ] || [ "$major" -lt "$want" ]; then
      echo "install-node: $dir/node did not install correctly" >&2
      return 1
    fi
  fi
  echo "$dir"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: put it on PATH for the caller as well.
  if _bespin_node_dir=$(_bespin_node_bin); then
    if [ "$(command -v node 2>/dev/null)" != "$_bespin_node_dir/node" ]; then
      export PATH="$_bespin_node_dir:$PATH"
    fi
    echo "$_bespin_node_dir"
    unset _bespin_node_dir
  else
    unset _bespin_node_dir
    return 1
  fi
else
  _bespin_node_bin
fi
