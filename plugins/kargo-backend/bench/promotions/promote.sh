#!/usr/bin/env bash
# The baseline of the promotion figures: what a CI job promoting one image
# tag does with plain git. Same work as the engine's git-clone (a full clone
# of main, no --depth), yaml-update (here sed), git-commit and git-push; on a
# rejected push (another job pushed first) it pulls with --rebase and pushes
# again, at most 10 times, as the engine's git-push does.
#
#   promote.sh REPO_URL VALUES_FILE TAG WORK_DIR
set -euo pipefail
url=$1 file=$2 tag=$3 work=$4

git clone --quiet --branch main -- "$url" "$work"
cd "$work"
sed -i -E "s/^(  tag: )[^ ]+/\1$tag/" "$file"
git add --all .
git commit --quiet -m "Updated $file: image.tag to $tag"
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if git push --quiet origin HEAD:main 2>/dev/null; then
    echo "pushed on attempt $attempt"
    exit 0
  fi
  git pull --quiet --rebase origin main
done
echo "push rejected 10 times" >&2
exit 1
