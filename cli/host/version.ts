/** Parse the first x.y[.z] in a version string ("Docker Compose version v2.26.1-4" -> [2,26,1]). */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function versionAtLeast(found: [number, number, number], min: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    if (found[i]! !== min[i]!) return found[i]! > min[i]!;
  }
  return true;
}
