#!/usr/bin/env bash
# `prisma generate` as a connected machine sees this repository (npm run check:connected, part of
# npm test): a copy of the working tree in a temporary folder with no ../shared beside it,
# PRISMA_SCHEMA_ENGINE_BINARY unset, and a native schema engine in node_modules/@prisma/engines,
# where npm install puts it on a connected machine. This machine cannot download it, so when none
# is installed the check writes a stand-in that answers --version as the real engine does (that
# is all `prisma generate` asks of it). prisma.config.ts must leave Prisma's engine handling alone
# there: it once stored the string "undefined" in PRISMA_SCHEMA_ENGINE_BINARY and generate failed.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/prisma-uow-connected-XXXXXX")"
trap 'rm -rf "$work"' EXIT
copy="$work/repo"
if [ -e "$work/shared" ]; then echo "unexpected $work/shared"; exit 1; fi

# The working tree's files (tracked and new, not ignored), so uncommitted changes are checked too.
mkdir -p "$copy"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  tar -C "$repo" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$copy" -xf -
# node_modules as hard links (no copy of the data; new files in the copy stay in the copy).
cp -al "$repo/node_modules" "$copy/node_modules" 2>/dev/null || cp -a "$repo/node_modules" "$copy/node_modules"

engines="$copy/node_modules/@prisma/engines"
if ! ls "$engines" | grep -q '^schema-engine'; then
  target="$(cd "$copy" && node -e "require('@prisma/get-platform').getBinaryTargetForCurrentPlatform().then((t) => console.log(t))")"
  version="$(cd "$copy" && node -p "require('@prisma/engines-version').enginesVersion")"
  printf '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "schema-engine-cli %s"; exit 0; fi\necho "stand-in native schema engine (connected-generate-check.sh): $*" >&2\nexit 1\n' "$version" > "$engines/schema-engine-$target"
  chmod +x "$engines/schema-engine-$target"
  echo "[connected-check] no native schema engine installed: wrote a stand-in schema-engine-$target ($version)"
fi

echo "[connected-check] prisma generate in $copy (no ../shared, PRISMA_SCHEMA_ENGINE_BINARY unset)"
(cd "$copy" && env -u PRISMA_SCHEMA_ENGINE_BINARY -u SCHEMA_ENGINE_SHIM_ROOT npx --no -- prisma generate)
test -f "$copy/src/generated/uow/index.ts"
echo "[connected-check] passed"
