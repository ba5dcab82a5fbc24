#!/usr/bin/env node
// First step of `npm test`: fails fast, with the fix, when the machine lacks
// something the tests need. Plain JS with no imports from node_modules, so it
// runs before anything else can fail in a confusing way.
import { existsSync } from 'node:fs';

const problems = [];

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  problems.push(`Node ${process.versions.node} is too old: install Node 20.19 or newer (Node 20 LTS is what CI uses).`);
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  problems.push(
    `No Chromium at ${chromium}: the WebGPU browser tests and Dawn's CPU adapter (SwiftShader) come with ` +
      `Debian's chromium package. Install it: sudo apt-get install -y chromium libvulkan1` +
      ` (or set CHROMIUM_PATH to another Chromium build).`,
  );
}

const icd = process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!existsSync(icd)) {
  problems.push(
    `No Vulkan driver description at ${icd}: the Node GPU tests run Dawn on SwiftShader, which Debian's ` +
      `chromium package ships. Install it (sudo apt-get install -y chromium), or point VK_ICD_FILENAMES at ` +
      `another Vulkan ICD json.`,
  );
}

const vulkanLoader = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];
if (!vulkanLoader.some((path) => existsSync(path))) {
  problems.push('No Vulkan loader (libvulkan.so.1): Dawn needs it. Install it: sudo apt-get install -y libvulkan1');
}

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  problems.push('Dependencies are not installed: run npm install (or npm ci) first.');
}

if (problems.length > 0) {
  console.error('npm test cannot run on this machine yet:\n');
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error('\nSee README.md, "Prerequisites".');
  process.exit(1);
}
