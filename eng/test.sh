#!/usr/bin/env bash
# The one test command: builds everything in Release (the benchmark project included) and runs every test project.
# Whatever the tests need beyond the .NET SDK is started here and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

# bubblewrap (the sandboxed workers' tests) and chromium (the console's browser tests), installed with apt-get when missing.
bash eng/install-prerequisites.sh

results=$(mktemp -d)
postgres=$(mktemp -d)
trap 'bash eng/postgres.sh stop "$postgres"; rm -rf "$results" "$postgres"' EXIT

# A throwaway PostgreSQL server on loopback for the PostgreSQL store's tests; each test creates its own database.
WCP_TEST_POSTGRES=$(bash eng/postgres.sh start "$postgres")
export WCP_TEST_POSTGRES

dotnet build WalletCrew.Plugins.sln -c Release -nologo -clp:ErrorsOnly

# The README's install path: pack the wcp tool here, with the build (ReadyToRun takes a few minutes on a clean checkout), and
# ToolInstallTests installs it into a clean tool folder. If the pack fails the test packs again itself and fails with its output.
tool_feed=$(mktemp -d)
trap 'bash eng/postgres.sh stop "$postgres"; rm -rf "$results" "$postgres" "$tool_feed"' EXIT
if dotnet pack src/WalletCrew.Plugins.Cli -c Release -o "$tool_feed" -nologo -clp:ErrorsOnly; then
  export WCP_TEST_TOOL_FEED="$tool_feed"
fi

status=0
dotnet test WalletCrew.Plugins.sln -c Release --no-build -nologo \
  --logger "console;verbosity=minimal" --logger "trx" --results-directory "$results" || status=$?

# One closing line over all test projects, e.g. "Tests: 120 passed, 0 failed".
python3 - "$results" <<'PY'
import glob, re, sys
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = re.search(r"<Counters ([^>]*)/>", open(path, encoding="utf-8").read())
    if counters:
        values = dict(re.findall(r'(\w+)="(\d+)"', counters.group(1)))
        passed += int(values.get("passed", 0))
        failed += int(values.get("failed", 0)) + int(values.get("error", 0)) + int(values.get("timeout", 0))
        skipped += int(values.get("notExecuted", 0))
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
