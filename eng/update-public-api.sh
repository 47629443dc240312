#!/usr/bin/env bash
# Records the public symbols the PublicApiAnalyzers report as undeclared (RS0016) in PublicAPI.Unshipped.txt.
# Run it after a deliberate change to a package's contract, then review the diff. The argument names the project
# (src/WalletCrew.Plugins.Abstractions when omitted; src/WalletCrew.Plugins.Testing is tracked too).
set -euo pipefail
cd "$(dirname "$0")/.."
project=${1:-src/WalletCrew.Plugins.Abstractions}
file=$project/PublicAPI.Unshipped.txt
dotnet build "$project" -c Release -nologo 2>&1 \
  | grep -oE "RS0016: Symbol '[^']+'" | sed -E "s/RS0016: Symbol '(.*)'/\1/" | sort -u > /tmp/wcp-public-api.new || true
{ cat "$file"; cat /tmp/wcp-public-api.new; } | grep -v '^#nullable' | sort -u | { echo '#nullable enable'; cat; } > "$file.tmp"
mv "$file.tmp" "$file"
echo "$(wc -l < /tmp/wcp-public-api.new) symbol(s) added to $file"
