/*
 * Prometheus query results as Argo Rollouts hands them to conditions: a
 * scalar as a float64, a vector or matrix as []float64 of its samples;
 * shown as Prometheus' Go model prints sample values.
 */

/** A sample value of the API ("1.5", "NaN", "+Inf"). */
export function parseSampleValue(text: unknown): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const n = typeof text === 'string' && text.trim() ? Number(text) : NaN;
  if (Number.isNaN(n)) {
    throw new Error(
      `bad_response: invalid sample value ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** strconv.FormatFloat(v, 'f', -1, 64): the shortest digits, no exponent. */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const [mantissa, exponent] = v.toExponential().split('e');
  const exp = Number(exponent);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  let int: string;
  let frac: string;
  if (exp >= 0) {
    int = digits.padEnd(exp + 1, '0').slice(0, exp + 1);
    frac = digits.slice(exp + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  }
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

type Sample = [number, string];

/** `result` and the shown value of a query answer's `data`. */
export function queryResult(data: any): { result: unknown; value: string } {
  const samples = (values: number[]) => ({
    result: values,
    value: `[${values.map(formatSampleValue).join(',')}]`,
  });
  switch (data?.resultType) {
    case 'scalar': {
      const n = parseSampleValue((data.result as Sample)[1]);
      return { result: n, value: formatSampleValue(n) };
    }
    case 'vector':
      return samples(
        (data.result as Array<{ value: Sample }>).map(s =>
          parseSampleValue(s.value?.[1]),
        ),
      );
    case 'matrix':
      return samples(
        (data.result as Array<{ values: Sample[] }>).flatMap(s =>
          (s.values ?? []).map(v => parseSampleValue(v[1])),
        ),
      );
    default:
      throw new Error('Prometheus metric type not supported');
  }
}
