using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Journal;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Firmware.Clock
{
    /// <summary>Why the RTC's time was not used (<see cref="EventCode.RtcRefused"/>, value 1).</summary>
    public enum RtcRefusal
    {
        /// <summary>Used.</summary>
        None = 0,

        /// <summary>The chip did not answer, or returned something that is not a date.</summary>
        NoAnswer = 1,

        /// <summary>Its oscillator-stop flag is set: it stopped at some point (flat or missing backup cell), the time is lost.</summary>
        OscillatorStopped = 2,

        /// <summary>This meter never set it (no record on flash): the time has no known bound.</summary>
        NeverSet = 3,

        /// <summary>It reads earlier than the last checkpoint (or the last set), beyond its bound: time cannot go back.</summary>
        BeforeLastCheckpoint = 4,

        /// <summary>It reads more than <see cref="RtcHoldover.MaximumOutageTicks"/> after the last checkpoint.</summary>
        TooFarAhead = 5,
    }

    /// <summary>
    /// Time across a power cut from a battery-backed RTC, never trusted beyond its bound. At start-up, before any network,
    /// the RTC's time is used if the chip answers, its oscillator never stopped, this meter set it (a record on flash says
    /// when) and the time is plausible (not before the last checkpoint, not more than a year after it). The clock then
    /// runs from it with the bound <c>1 s (read resolution) + the set's own bound + tolerance (ppm) × time since the set</c>,
    /// and stays Degraded, so every period is flagged ClockUnsynchronised, until SNTP synchronises it.
    /// </summary>
    /// <remarks>
    /// <para>Once synchronised (at the first synchronisation after every start, then daily) the RTC is compared with the
    /// clock. The first comparison after a start is logged (<see cref="EventCode.RtcDriftMeasured"/>: the RTC's error and,
    /// over a day or more, its drift rate). The RTC is disciplined from it: set again when a second or more off (or when it
    /// was refused: this also clears its oscillator-stop flag), and its aging offset trimmed by the measured drift (0.1 ppm
    /// a step, at most 2 ppm at a time) when the span since the last set is a day or more and the drift is more than twice
    /// its own uncertainty (0.5 s over the span: 2.9 ppm after 4 days, 0.8 ppm after two weeks). Setting it only when
    /// needed keeps the spans long, which is what makes the drift measurable with a one-second register: a DS3231 off by
    /// 3 ppm is found and trimmed when it has gained a second, after about four days.</para>
    /// <para>The chip takes whole seconds and restarts its countdown on the write, so after a set it lags true time by the
    /// fraction of a second that had passed; that phase is recorded and added back to every later reading, and a reading is
    /// taken as the middle of its second.</para>
    /// <para>Runs on the metering thread; a steady-state tick allocates nothing.</para>
    /// </remarks>
    public sealed class RtcHoldover
    {
        /// <summary>Ticks in a second.</summary>
        public const long Second = 10000000;

        /// <summary>The RTC's read resolution, part of every bound: one second.</summary>
        public const long ReadResolutionTicks = Second;

        /// <summary>How often the RTC is compared with the synchronised clock: daily.</summary>
        public const long CheckIntervalTicks = 24L * 3600 * Second;

        /// <summary>The longest outage an RTC reading may imply: 366 days after the last checkpoint.</summary>
        public const long MaximumOutageTicks = 366L * 24 * 3600 * Second;

        /// <summary>The RTC is set again when found this far off: one second (it is then surely half a second off).</summary>
        public const long SetThresholdTicks = Second;

        /// <summary>A drift rate is reported only over at least a day (one second in a day is 11.6 ppm).</summary>
        public const long MinimumDriftSpanTicks = 24L * 3600 * Second;

        /// <summary>Parts per billion of one aging-offset step (DS3231: about 0.1 ppm at 25 °C).</summary>
        public const long AgingPpbPerStep = 100;

        /// <summary>Largest aging change from one measurement: 20 steps (about 2 ppm).</summary>
        public const long MaximumAgingStep = 20;

        private const long Billion = 1000000000;
        private const long HalfSecond = Second / 2;

        private readonly IRealTimeClock _rtc;
        private readonly MeterJournal _journal;
        private readonly IEventLog _log;
        private readonly RtcSyncRecord _record = new RtcSyncRecord();
        private bool _checkedSinceStart;
        private long _lastCheck;
        private bool _faulted;

        /// <summary>Reads the RTC's record from the journal; nothing is read from the chip until <see cref="StartTime"/>.</summary>
        public RtcHoldover(IRealTimeClock rtc, MeterJournal journal, IEventLog log)
        {
            _rtc = rtc;
            _journal = journal;
            _log = log;
            _journal.ReadRtcRecord(_record);
        }

        /// <summary>What the meter knows about the RTC (read-only use).</summary>
        public RtcSyncRecord Record
        {
            get { return _record; }
        }

        /// <summary>Why the time was not used at start-up, or None if it was.</summary>
        public RtcRefusal StartRefusal { get; private set; }

        /// <summary>
        /// At start-up: the RTC's time and its error bound, if it may be used (logged <see cref="EventCode.RtcTimeUsed"/>);
        /// otherwise false, with the reason logged (<see cref="EventCode.RtcRefused"/>). <paramref name="lastCheckpointUtc"/>
        /// is the UTC of the last checkpoint's last reading, 0 if none.
        /// </summary>
        public bool StartTime(long lastCheckpointUtc, out long utcTicks, out long boundTicks)
        {
            utcTicks = 0;
            boundTicks = 0;
            long reading;
            bool stopped;
            if (!_rtc.Read(out reading, out stopped))
            {
                _faulted = true;
                return Refuse(RtcRefusal.NoAnswer, 0);
            }

            if (stopped)
            {
                return Refuse(RtcRefusal.OscillatorStopped, reading);
            }

            if (!_record.IsSet)
            {
                return Refuse(RtcRefusal.NeverSet, reading);
            }

            long estimate = reading + HalfSecond - _record.PhaseTicks;
            long bound = BoundAfter(estimate - _record.SetUtcTicks);
            long reference = lastCheckpointUtc > _record.SetUtcTicks ? lastCheckpointUtc : _record.SetUtcTicks;
            if (estimate + bound < reference)
            {
                return Refuse(RtcRefusal.BeforeLastCheckpoint, reading);
            }

            if (estimate - reference > MaximumOutageTicks)
            {
                return Refuse(RtcRefusal.TooFarAhead, reading);
            }

            utcTicks = estimate;
            boundTicks = bound;
            StartRefusal = RtcRefusal.None;
            _log.Log(EventCode.RtcTimeUsed, estimate, bound);
            return true;
        }

        /// <summary>The bound of a reading taken <paramref name="sinceSetTicks"/> after the last set.</summary>
        public long BoundAfter(long sinceSetTicks)
        {
            long drift = sinceSetTicks > 0 ? WideMath.MultiplyDivide(sinceSetTicks, _rtc.TolerancePpm, 1000000) : 0;
            return ReadResolutionTicks + _record.SetBoundTicks + drift;
        }

        /// <summary>
        /// Each tick, after the time samples: when the clock is synchronised and a comparison is due (the first after a
        /// start, then daily), compares the RTC with it and disciplines the RTC.
        /// </summary>
        public void Tick(long monotonicTicks, ClockDiscipline clock)
        {
            if (_checkedSinceStart && monotonicTicks - _lastCheck < CheckIntervalTicks)
            {
                return;
            }

            if (clock.Quality(monotonicTicks) != ClockQuality.Synchronised)
            {
                return;
            }

            bool first = !_checkedSinceStart;
            _checkedSinceStart = true;
            _lastCheck = monotonicTicks;
            long utc = clock.UtcTicks(monotonicTicks);
            long clockBound = clock.ErrorBoundTicks(monotonicTicks);
            long reading;
            bool stopped;
            if (!_rtc.Read(out reading, out stopped))
            {
                Fault();
                return;
            }

            _faulted = false;
            if (stopped || !_record.IsSet)
            {
                SetRtc(utc, clockBound, reading, 0);
                return;
            }

            // RTC minus true time, to half a second: the reading is the middle of its second, less the phase of the last set.
            long error = reading + HalfSecond - _record.PhaseTicks - utc;
            long span = utc - _record.SetUtcTicks;
            long driftPpb = span >= MinimumDriftSpanTicks ? SignedMultiplyDivide(error, Billion, span) : 0;
            if (first)
            {
                _log.Log(EventCode.RtcDriftMeasured, error, driftPpb);
            }

            // The drift is known to half a second over the span: trim the aging when it is more than twice that.
            long uncertaintyPpb = span > 0 ? WideMath.MultiplyDivide(HalfSecond, Billion, span) : long.MaxValue;
            if (driftPpb != 0 && Magnitude(driftPpb) > 2 * uncertaintyPpb)
            {
                TrimAging(driftPpb);
                SetRtc(utc, clockBound, reading, driftPpb);
                return;
            }

            if (Magnitude(error) >= SetThresholdTicks)
            {
                SetRtc(utc, clockBound, reading, driftPpb != 0 ? driftPpb : _record.DriftPpb);
            }
        }

        private bool Refuse(RtcRefusal reason, long reading)
        {
            StartRefusal = reason;
            _log.Log(EventCode.RtcRefused, (long)reason, reading);
            return false;
        }

        private void Fault()
        {
            if (!_faulted)
            {
                _faulted = true;
                _log.Log(EventCode.RtcRefused, (long)RtcRefusal.NoAnswer, 0);
            }
        }

        private void TrimAging(long driftPpb)
        {
            int current;
            if (!_rtc.ReadAgingOffset(out current))
            {
                current = _record.AgingOffset;
            }

            // A fast RTC (positive drift) needs a larger offset, which slows it.
            long steps = Rounded(driftPpb, AgingPpbPerStep);
            steps = steps > MaximumAgingStep ? MaximumAgingStep : (steps < -MaximumAgingStep ? -MaximumAgingStep : steps);
            long next = current + steps;
            next = next > 127 ? 127 : (next < -128 ? -128 : next);
            if (next != current && _rtc.WriteAgingOffset((int)next))
            {
                _record.AgingOffset = (int)next;
                _log.Log(EventCode.RtcAgingAdjusted, next, current);
            }
        }

        private void SetRtc(long utc, long clockBound, long previousReading, long driftPpb)
        {
            long whole = utc - (utc % Second);
            if (!_rtc.Set(whole))
            {
                Fault();
                return;
            }

            int aging;
            _record.AgingOffset = _rtc.ReadAgingOffset(out aging) ? aging : _record.AgingOffset;
            _record.SetUtcTicks = utc;
            _record.PhaseTicks = whole - utc;
            _record.SetBoundTicks = clockBound;
            _record.DriftPpb = driftPpb;
            if (!_journal.WriteRtcRecord(_record))
            {
                _log.Log(EventCode.JournalWriteFailed, 5, 0);
            }

            _log.Log(EventCode.RtcSet, whole, previousReading);
        }

        // a * b / c for a of either sign (b, c positive), without overflowing the product.
        private static long SignedMultiplyDivide(long a, long b, long c)
        {
            long magnitude = WideMath.MultiplyDivide(Magnitude(a), b, c);
            return a < 0 ? -magnitude : magnitude;
        }

        private static long Rounded(long numerator, long denominator)
        {
            long half = denominator / 2;
            return numerator >= 0 ? (numerator + half) / denominator : -((half - numerator) / denominator);
        }

        private static long Magnitude(long value)
        {
            return value < 0 ? -value : value;
        }
    }
}
