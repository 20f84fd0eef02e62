#!/usr/bin/env bash
# Counts the documented public surface of the `ceasefire` library (the
# facade, with the crates it re-exports): builds its rustdoc, then counts
# the unique item pages of all.html, their inherent methods and the module
# pages. Items that only another crate of the workspace needs are
# #[doc(hidden)] and not counted. Usage: bash scripts/public-surface.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo doc --locked --quiet --no-deps --all-features -p ceasefire
doc="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/doc/ceasefire"
python3 - "$doc" <<'PY'
import glob, os, re, sys
doc = sys.argv[1]
pages = re.findall(r'<li><a href="([^"]+)">', open(os.path.join(doc, "all.html")).read())
methods = {}
for page in pages:
    text = open(os.path.join(doc, page)).read()
    inherent = re.search(r'id="implementations-list"(.*?)(id="trait-implementations|id="synthetic-implementations|$)', text, re.S)
    count = len(re.findall(r'<section id="method\.', inherent.group(1))) if inherent else 0
    # A re-export inlined at the root has a page of its own: count it once.
    key = os.path.basename(page)
    methods[key] = max(methods.get(key, 0), count)
modules = len(glob.glob(os.path.join(doc, "**", "index.html"), recursive=True))
print(f"{len(methods)} items + {sum(methods.values())} inherent methods + {modules} modules = {len(methods) + sum(methods.values()) + modules}")
PY
