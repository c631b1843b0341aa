#!/usr/bin/env bash
# Validates workflows/ and the templates they use (schema, meaning, templates, hash); non-zero exit on any error.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/Consent.Web -- validate-workflows "$@"
