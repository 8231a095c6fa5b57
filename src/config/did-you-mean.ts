// Suggests the key someone most likely meant when they wrote an unknown one ("nodeid" → "node_id").

/** Edit distance with insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** Folds the spellings people mix up: case, camelCase vs snake_case vs kebab-case. */
function foldKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

/** The closest known key when it is close enough to be a slip, else undefined. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const folded = foldKey(unknown);
  const exact = known.find((k) => foldKey(k) === folded);
  if (exact !== undefined) return exact;
  // Allow roughly one slip per four characters, at least one, at most three.
  const allowed = Math.min(3, Math.max(1, Math.floor(folded.length / 4)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const k of known) {
    const distance = editDistance(folded, foldKey(k));
    if (distance < bestDistance) {
      best = k;
      bestDistance = distance;
    }
  }
  return best;
}
