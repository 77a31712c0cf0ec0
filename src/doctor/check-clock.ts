import { type Check, fail, pass, warn } from './checklist.ts';

const WARN_MS = 30_000;
const FAIL_MS = 5 * 60_000;
// HTTP dates have whole seconds, and the request takes a moment.
const NOISE_MS = 2_000;

/** Clock skew between this machine and a tracker, from the HTTP `Date` of its answer. */
export function checkClock(tracker: string, date: string | undefined, now: Date): Check {
  if (!date)
    return warn('clock', `${tracker} sent no Date header: clock skew unknown`, 'Keep this machine on NTP');
  const skewMs = now.getTime() - Date.parse(date);
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const direction = skewMs > 0 ? 'ahead of' : 'behind';
  const fix = "Synchronise this machine's clock: `timedatectl set-ntp true` (or your platform's NTP setting)";
  if (Number.isNaN(skewMs)) return warn('clock', `${tracker} sent an unreadable Date header`, fix);
  if (Math.abs(skewMs) <= NOISE_MS) return pass('clock', `Clock agrees with ${tracker} (within 2 s)`);
  const title = `This machine's clock is ${seconds} s ${direction} ${tracker}: delivery ages, sprint windows and "updated since" reads go wrong`;
  if (Math.abs(skewMs) >= FAIL_MS) return fail('clock', title, fix);
  return Math.abs(skewMs) >= WARN_MS
    ? warn('clock', title, fix)
    : pass('clock', `Clock is ${seconds} s off ${tracker} (fine)`);
}
