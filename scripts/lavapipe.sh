#!/usr/bin/env bash
# Fetches Mesa 25's lavapipe (a Vulkan driver on the CPU, 5-20x faster than
# SwiftShader for our kernels) from Debian bookworm-backports into
# .cache/lavapipe/, without installing anything system-wide, and prints the
# VK_ICD_FILENAMES line that selects it for Dawn:
#   eval "$(bash scripts/lavapipe.sh)" && npm run bench -- kernels
# Debian 12's own Mesa 22 lavapipe is rejected by Dawn; CI stays on SwiftShader.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)/.cache/lavapipe"
icd="$root/lvp_icd.json"
if [ ! -f "$icd" ]; then
  mkdir -p "$root/apt/lists/partial" "$root/apt/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main" >"$root/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$root/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$root/apt/lists" -o "Dir::Cache::Archives=$root/apt/archives")
  apt-get "${apt_opts[@]}" update >&2
  (cd "$root" && apt-get "${apt_opts[@]}" download mesa-vulkan-drivers/bookworm-backports >&2)
  dpkg-deb -x "$root"/mesa-vulkan-drivers_*.deb "$root/root"
  lib="$root/root/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so"
  [ -f "$lib" ] || { echo "lavapipe: $lib not found in the package" >&2; exit 1; }
  printf '{"file_format_version":"1.0.0","ICD":{"api_version":"1.4.305","library_path":"%s"}}\n' "$lib" >"$icd"
fi
echo "export VK_ICD_FILENAMES=$icd"
