#!/bin/bash
# The bash completion cmascope-cli generates from its option tables (`cmascope-cli completion bash`): it parses,
# completes command names, a command's own options, and the choices of an option that lists them.
# Usage: completion.sh CMASCOPE_CLI
set -eu
cli=$1
script=$(mktemp)
trap 'rm -f "$script"' EXIT
"$cli" completion bash > "$script"
bash -n "$script"
# shellcheck disable=SC1090
source "$script"
complete_words() { # WORDS...: the completions offered for the last word
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _cmascope_cli
    echo "${COMPREPLY[*]}"
}
expect() { # WHAT GOT WANT
    if [ "$2" != "$3" ]; then
        echo "completion of $1: got '$2', expected '$3'" >&2
        exit 1
    fi
}
expect "val" "$(complete_words cmascope-cli val)" "validate"
expect "simulate --sc" "$(complete_words cmascope-cli simulate --sc)" "--scenario --scenario-file"
expect "render --axis" "$(complete_words cmascope-cli render --axis '')" "physical compact per-area"
expect "replay --fail" "$(complete_words cmascope-cli replay --fail)" "--fail-on"
expect "export --format c" "$(complete_words cmascope-cli export --format c)" "cmdline cma2010"
# every command of the global help can be completed
for c in $("$cli" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
    got=" $(complete_words cmascope-cli "$c") "
    [[ $got == *" $c "* ]] || { echo "completion of $c: got '$got'" >&2; exit 1; }
done
if command -v zsh >/dev/null; then
    "$cli" completion zsh > "$script"
    zsh -n "$script"
fi
echo "bash completion: ok"
