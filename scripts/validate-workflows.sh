#!/usr/bin/env bash
# Validates workflows/ and the templates they use (schema, meaning, templates, hash); non-zero exit on any error.
#   scripts/validate-workflows.sh [REPOSITORY_ROOT]     default: this repository
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(cd "${1:-.}" && pwd)"
exec dotnet run --project src/Consent.Web -v quiet -- validate-workflows "$root"
