import { jest } from '@jest/globals';
import { sleep, systemClock } from '../../src/tasks/clock.js';

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const t0 = performance.now();
    await sleep(20);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
  });

  it('rejects with the reason at once when the signal aborts, or has aborted', async () => {
    const ac = new AbortController();
    const pending = sleep(10_000, ac.signal);
    const t0 = performance.now();
    ac.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(performance.now() - t0).toBeLessThan(50);
    await expect(sleep(10, ac.signal)).rejects.toThrow('stop');
  });
});

describe('systemClock.setTimer', () => {
  afterEach(() => jest.useRealTimers());

  it('waits longer than setTimeout can (2^31 - 1 ms) in steps, and can be cancelled', () => {
    jest.useFakeTimers();
    const fn = jest.fn();
    const thirtyDays = 30 * 86_400_000;
    systemClock.setTimer(fn, thirtyDays);
    jest.advanceTimersByTime(2 ** 31);
    expect(fn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(thirtyDays - 2 ** 31);
    expect(fn).toHaveBeenCalledTimes(1);

    const cancelled = jest.fn();
    const cancel = systemClock.setTimer(cancelled, 10);
    cancel();
    jest.advanceTimersByTime(20);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
