/** 'YYYY-MM-DD hh:mm:ss.sss' in UTC: the text form a DateTime64(3, 'UTC') column reads. */
export function toClickHouseTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
