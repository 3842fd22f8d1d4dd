using System;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Firmware.Clock
{
    /// <summary>How far the meter's UTC can be trusted.</summary>
    public enum ClockQuality
    {
        /// <summary>No time since start-up: the meter does not know UTC.</summary>
        Unsynchronised = 0,

        /// <summary>Synchronised, error bound within <see cref="ClockDiscipline.SynchronisedBoundTicks"/> (50 ms).</summary>
        Synchronised = 1,

        /// <summary>No recent synchronisation; running on the last frequency estimate, bound within 1 s.</summary>
        Holdover = 2,

        /// <summary>Time was known, but the bound has grown beyond 1 s (or a provisional time is in use).</summary>
        Degraded = 3,
    }

    /// <summary>What a clock update did.</summary>
    public enum ClockAdjustment
    {
        /// <summary>The sample was refused (too poor, or the clock is held by a collector setting).</summary>
        None = 0,

        /// <summary>The offset is being slewed out (no step, no flag).</summary>
        Slewed = 1,

        /// <summary>The clock was stepped: log it and flag the period.</summary>
        Stepped = 2,
    }

    /// <summary>
    /// The meter's software clock: UTC computed from a monotonic tick counter, disciplined by SNTP samples.
    /// Offsets below <see cref="StepThresholdTicks"/> (128 ms, as NTP) are slewed out at up to 500 ppm, so time
    /// never jumps; larger offsets step the clock, which the meter logs and flags. A frequency estimate, updated
    /// from successive samples, keeps the clock within bound between samples.
    /// </summary>
    /// <remarks>
    /// Error bound: the last sample's bound (half its round trip plus the server's root distance), plus the offset
    /// still being slewed out, plus 15 ppm of the time since the sample (the residual frequency error we allow for
    /// an uncompensated ESP32 crystal once trimmed). Synchronised means that bound is at most 50 ms; holdover, at
    /// most 1 s.
    /// </remarks>
    public sealed class ClockDiscipline
    {
        /// <summary>Offsets at or above this are stepped: 128 ms.</summary>
        public const long StepThresholdTicks = 1280000;

        /// <summary>The bound within which the clock counts as synchronised: 50 ms.</summary>
        public const long SynchronisedBoundTicks = 500000;

        /// <summary>The bound within which the clock is in holdover rather than degraded: 1 s.</summary>
        public const long HoldoverBoundTicks = 10000000;

        /// <summary>Fastest slew: 500 ppm.</summary>
        public const long MaximumSlewPpm = 500;

        /// <summary>Largest frequency correction: 500 ppm, in parts per billion.</summary>
        public const long MaximumFrequencyPpb = 500000;

        /// <summary>Largest change of the frequency correction from one sample: 20 ppm, in parts per billion.</summary>
        public const long MaximumFrequencyStepPpb = 20000;

        /// <summary>Residual frequency error allowed for in the bound: 15 ppm.</summary>
        public const long WanderPpm = 15;

        private const long Billion = 1000000000;

        private bool _known;
        private bool _provisional;
        private long _baseMonotonic;
        private long _baseOffset;
        private long _frequencyPpb;
        private long _slewTicks;
        private long _sampleBoundTicks;
        private long _lastSampleMonotonic;
        private long _lastSampleOffsetMonotonic;
        private bool _hasFrequencyReference;
        private bool _fromRealTimeClock;

        /// <summary>True once UTC is known (from a sample, a collector, or provisionally).</summary>
        public bool IsKnown
        {
            get { return _known; }
        }

        /// <summary>True while the time comes from the battery-backed RTC and no synchronisation has confirmed it.</summary>
        public bool IsFromRealTimeClock
        {
            get { return _fromRealTimeClock; }
        }

        /// <summary>The frequency correction in force, parts per billion (positive: our counter runs slow).</summary>
        public long FrequencyPpb
        {
            get { return _frequencyPpb; }
        }

        /// <summary>Restores a frequency estimate from a checkpoint.</summary>
        public void RestoreFrequency(long frequencyPpb)
        {
            _frequencyPpb = Clamp(frequencyPpb, MaximumFrequencyPpb);
        }

        /// <summary>UTC (DateTime ticks) at monotonic time <paramref name="monotonicTicks"/>; meaningful only when <see cref="IsKnown"/>.</summary>
        public long UtcTicks(long monotonicTicks)
        {
            long elapsed = monotonicTicks - _baseMonotonic;
            return monotonicTicks + _baseOffset + Drift(elapsed) + SlewDone(elapsed);
        }

        /// <summary>Error bound (ticks) of <see cref="UtcTicks"/> at <paramref name="monotonicTicks"/>; long.MaxValue when not known.</summary>
        public long ErrorBoundTicks(long monotonicTicks)
        {
            if (!_known || _provisional)
            {
                return long.MaxValue;
            }

            long elapsed = monotonicTicks - _baseMonotonic;
            long pending = _slewTicks - SlewDone(elapsed);
            long age = monotonicTicks - _lastSampleMonotonic;
            return _sampleBoundTicks + Magnitude(pending) + ((age / 1000000) * WanderPpm);
        }

        /// <summary>The quality of the clock at <paramref name="monotonicTicks"/>.</summary>
        public ClockQuality Quality(long monotonicTicks)
        {
            if (!_known)
            {
                return ClockQuality.Unsynchronised;
            }

            // RTC time is never more than Degraded, whatever its bound: the meter flags it until SNTP confirms it.
            if (_fromRealTimeClock)
            {
                return ClockQuality.Degraded;
            }

            long bound = ErrorBoundTicks(monotonicTicks);
            if (bound <= SynchronisedBoundTicks)
            {
                return ClockQuality.Synchronised;
            }

            return bound <= HoldoverBoundTicks ? ClockQuality.Holdover : ClockQuality.Degraded;
        }

        /// <summary>
        /// Applies an SNTP sample taken with this clock. Returns what was done; when stepped, <paramref name="beforeUtc"/>
        /// and <paramref name="afterUtc"/> give the clock reading either side of the step at the sample's time.
        /// </summary>
        public ClockAdjustment Apply(SntpSample sample, out long beforeUtc, out long afterUtc)
        {
            long now = sample.MonotonicTicks;
            beforeUtc = UtcTicks(now);
            long trueUtc = now + sample.UtcMinusMonotonicTicks;
            long offset = trueUtc - beforeUtc;
            afterUtc = beforeUtc;
            bool wasKnown = _known && !_provisional;

            UpdateFrequency(now, offset, wasKnown);
            _fromRealTimeClock = false;
            _sampleBoundTicks = sample.ErrorBoundTicks;
            _lastSampleMonotonic = now;

            if (!wasKnown || Magnitude(offset) >= StepThresholdTicks)
            {
                Rebase(now, trueUtc, 0);
                afterUtc = trueUtc;
                _known = true;
                _provisional = false;
                return ClockAdjustment.Stepped;
            }

            // Slew: the clock as it reads now becomes the base, and the measured offset is spread out from here.
            Rebase(now, beforeUtc, offset);
            return ClockAdjustment.Slewed;
        }

        /// <summary>The offset a sample measures against this clock: true UTC minus our UTC, ticks.</summary>
        public long OffsetOf(SntpSample sample)
        {
            return sample.MonotonicTicks + sample.UtcMinusMonotonicTicks - UtcTicks(sample.MonotonicTicks);
        }

        /// <summary>Sets the clock to <paramref name="utcTicks"/> at <paramref name="monotonicTicks"/> (a collector's authorised reset): always a step.</summary>
        public void Set(long monotonicTicks, long utcTicks, long boundTicks, out long beforeUtc)
        {
            beforeUtc = UtcTicks(monotonicTicks);
            Rebase(monotonicTicks, utcTicks, 0);
            _sampleBoundTicks = boundTicks;
            _lastSampleMonotonic = monotonicTicks;
            _hasFrequencyReference = false;
            _fromRealTimeClock = false;
            _known = true;
            _provisional = false;
        }

        /// <summary>
        /// Starts the clock from the battery-backed RTC at start-up (see <see cref="RtcHoldover"/>): known, with the RTC's
        /// bound growing at the wander rate from here, but Degraded until the first sample. A sample then slews or steps
        /// it like any other offset; the RTC's reading gives no frequency reference.
        /// </summary>
        public void SetFromRealTimeClock(long monotonicTicks, long utcTicks, long boundTicks)
        {
            Rebase(monotonicTicks, utcTicks, 0);
            _sampleBoundTicks = boundTicks;
            _lastSampleMonotonic = monotonicTicks;
            _hasFrequencyReference = false;
            _fromRealTimeClock = true;
            _known = true;
            _provisional = false;
        }

        /// <summary>
        /// Adopts a provisional time when no synchronisation has come (for example the last checkpoint's time after a
        /// power cut of unknown length): the clock is known but its quality stays Degraded until a sample arrives.
        /// </summary>
        public void SetProvisional(long monotonicTicks, long utcTicks)
        {
            Rebase(monotonicTicks, utcTicks, 0);
            _fromRealTimeClock = false;
            _known = true;
            _provisional = true;
        }

        private void UpdateFrequency(long now, long offset, bool wasKnown)
        {
            // Frequency-locked loop: the offset that built up since the last sample, over the time between them, is
            // the remaining frequency error. What is still
            // being slewed from the previous sample is not frequency error.
            long interval = now - _lastSampleOffsetMonotonic;
            long pending = _slewTicks - SlewDone(now - _baseMonotonic);
            long accumulated = offset - pending;
            if (wasKnown && _hasFrequencyReference && interval >= 100000000 && Magnitude(offset) < StepThresholdTicks)
            {
                // An eighth of the apparent error, and at most 20 ppm per sample: a one-off phase jump (a route
                // change, a busy server) must not swing the frequency, while a real crystal error still converges
                // in a few dozen samples.
                long errorPpb = Divide(accumulated * 1000, interval / 1000000);
                _frequencyPpb = Clamp(_frequencyPpb + Clamp(errorPpb / 8, MaximumFrequencyStepPpb), MaximumFrequencyPpb);
            }

            _hasFrequencyReference = true;
            _lastSampleOffsetMonotonic = now;
        }

        private void Rebase(long monotonicTicks, long utcTicks, long slewTicks)
        {
            _baseMonotonic = monotonicTicks;
            _baseOffset = utcTicks - monotonicTicks;
            _slewTicks = slewTicks;
        }

        private long Drift(long elapsedTicks)
        {
            if (_frequencyPpb == 0 || elapsedTicks <= 0)
            {
                return 0;
            }

            long drift = WideMath.MultiplyDivide(elapsedTicks, Magnitude(_frequencyPpb), Billion);
            return _frequencyPpb < 0 ? -drift : drift;
        }

        private long SlewDone(long elapsedTicks)
        {
            if (_slewTicks == 0 || elapsedTicks <= 0)
            {
                return 0;
            }

            long most = (elapsedTicks / 1000000) * MaximumSlewPpm;
            long magnitude = Magnitude(_slewTicks);
            long done = most < magnitude ? most : magnitude;
            return _slewTicks < 0 ? -done : done;
        }

        private static long Divide(long numerator, long denominator)
        {
            return denominator == 0 ? 0 : numerator / denominator;
        }

        private static long Clamp(long value, long limit)
        {
            return value > limit ? limit : (value < -limit ? -limit : value);
        }

        private static long Magnitude(long value)
        {
            return value < 0 ? -value : value;
        }
    }
}
