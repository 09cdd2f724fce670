/**
 * Client IP addresses are never stored raw. The collector uses them in memory (rate limits) and
 * logs them truncated by default: IPv4 to its /24 (`203.0.113.0`), IPv6 to its /48 (`2001:db8:85a3::`).
 */
export type IpLogging = 'truncated' | 'full' | 'off';

export function truncateIp(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0`;
  if (!ip.includes(':')) return '';
  const [head = ''] = ip.split('::');
  const groups = head.split(':').filter(Boolean);
  return `${groups.slice(0, 3).join(':')}::`;
}

export function logIp(ip: string, mode: IpLogging): string | undefined {
  return mode === 'full' ? ip : mode === 'truncated' ? truncateIp(ip) : undefined;
}
