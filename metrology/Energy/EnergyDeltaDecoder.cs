using System;

namespace AssetMeter.Metrology.Energy
{
    /// <summary>
    /// Turns raw IC energy-register values into import and export counts, with the register's width, sign,
    /// wrap and clear-on-read semantics handled, and refuses any delta larger than the maximum demand could
    /// have produced in the elapsed time.
    /// </summary>
    /// <remarks>
    /// The elapsed time must come from the monotonic tick counter, never from the UTC clock, so that a clock
    /// step cannot make a real delta look implausible. The limit is the maximum demand plus a quarter, plus
    /// two counts for the register's own quantisation.
    /// </remarks>
    public sealed class EnergyDeltaDecoder
    {
        /// <summary>Type 5 asset metering covers maximum demand up to and including 100 kW.</summary>
        public const long Type5MaximumDemandWatts = 100000;

        private const int Mask24 = 0xFFFFFF;
        private const int Mask16 = 0xFFFF;

        private readonly RegisterKind _kind;
        private readonly EnergyScale _scale;
        private readonly long _limitWatts;

        private bool _hasBaseline;
        private int _baseline;
        private long _ticksSinceBaseline;
        private bool _hasCandidate;
        private int _candidate;

        /// <summary>Creates a decoder for one register (or, for 16-bit clear-on-read, one forward/reverse pair).</summary>
        /// <param name="kind">How the register counts.</param>
        /// <param name="scale">What a count is worth; sets the plausibility limit in counts.</param>
        /// <param name="maximumDemandWatts">The asset's maximum demand; Type 5 is at most 100,000 W.</param>
        public EnergyDeltaDecoder(RegisterKind kind, EnergyScale scale, long maximumDemandWatts)
        {
            if (scale == null)
            {
                throw new ArgumentNullException("scale");
            }

            if (maximumDemandWatts <= 0)
            {
                throw new ArgumentOutOfRangeException("maximumDemandWatts", "must be positive");
            }

            _kind = kind;
            _scale = scale;
            _limitWatts = maximumDemandWatts + (maximumDemandWatts / 4);
        }

        /// <summary>How the register counts.</summary>
        public RegisterKind Kind
        {
            get { return _kind; }
        }

        /// <summary>True once an accumulating register has a baseline to difference against.</summary>
        public bool HasBaseline
        {
            get { return _hasBaseline; }
        }

        /// <summary>The raw value the next accumulating delta is measured from (for checkpoints).</summary>
        public int Baseline
        {
            get { return _baseline; }
        }

        /// <summary>The most counts accepted from one register after <paramref name="elapsedTicks"/>.</summary>
        public long LimitCounts(long elapsedTicks)
        {
            return _scale.CountsFor(_limitWatts, elapsedTicks) + 2;
        }

        /// <summary>
        /// Forgets the baseline of an accumulating register. With <paramref name="chipWasReset"/> the chip is
        /// known to have restarted from zero, so the next read counts everything since; otherwise the next read
        /// only sets the baseline.
        /// </summary>
        public void ResetBaseline(bool chipWasReset)
        {
            _hasCandidate = false;
            _ticksSinceBaseline = 0;
            _hasBaseline = chipWasReset;
            _baseline = 0;
        }

        /// <summary>Restores the baseline of an accumulating register from a checkpoint.</summary>
        public void RestoreBaseline(int raw, long ticksSinceRead)
        {
            _hasBaseline = true;
            _baseline = raw & Mask24;
            _ticksSinceBaseline = ticksSinceRead;
            _hasCandidate = false;
        }

        /// <summary>Decodes one read of a signed 24-bit net-energy register.</summary>
        /// <param name="raw">The register value as read (only the low 24 bits are used).</param>
        /// <param name="elapsedTicks">Monotonic 100 ns ticks since the previous read of this register.</param>
        public EnergyDelta DecodeSigned24(int raw, long elapsedTicks)
        {
            if (elapsedTicks < 0)
            {
                throw new ArgumentOutOfRangeException("elapsedTicks", "monotonic time never goes back");
            }

            raw &= Mask24;
            if (_kind == RegisterKind.Signed24ClearOnRead)
            {
                return Judge(SignExtend24(raw), elapsedTicks);
            }

            if (_kind != RegisterKind.Signed24Accumulating)
            {
                throw new InvalidOperationException("this decoder is not for a signed 24-bit register");
            }

            if (!_hasBaseline)
            {
                _hasBaseline = true;
                _baseline = raw;
                _ticksSinceBaseline = 0;
                EnergyDelta first = new EnergyDelta();
                first.Status = DeltaStatus.Baseline;
                return first;
            }

            _ticksSinceBaseline += elapsedTicks;
            long delta = SignExtend24((raw - _baseline) & Mask24);
            long limit = LimitCounts(_ticksSinceBaseline);
            if (Magnitude(delta) <= limit)
            {
                _baseline = raw;
                _ticksSinceBaseline = 0;
                _hasCandidate = false;
                return Split(delta, DeltaStatus.Accepted);
            }

            // The read disagrees with the baseline. A garbled read is refused and the baseline kept, so the next
            // good read still counts everything. If this read agrees with the previous refused one, the register
            // really moved (the chip was reset or rewritten): adopt the new baseline and count from the candidate.
            if (_hasCandidate)
            {
                long fromCandidate = SignExtend24((raw - _candidate) & Mask24);
                if (Magnitude(fromCandidate) <= LimitCounts(elapsedTicks))
                {
                    _baseline = raw;
                    _ticksSinceBaseline = 0;
                    _hasCandidate = false;
                    return Split(fromCandidate, DeltaStatus.Rebaselined);
                }
            }

            _hasCandidate = true;
            _candidate = raw;
            EnergyDelta refused = new EnergyDelta();
            refused.Status = DeltaStatus.Implausible;
            refused.RejectedCounts = Magnitude(delta);
            return refused;
        }

        /// <summary>Decodes one read of a 16-bit clear-on-read forward (import) and reverse (export) register pair.</summary>
        /// <param name="forwardRaw">The forward active energy register as read.</param>
        /// <param name="reverseRaw">The reverse active energy register as read.</param>
        /// <param name="elapsedTicks">Monotonic 100 ns ticks since the previous read.</param>
        public EnergyDelta DecodeUnsigned16Pair(int forwardRaw, int reverseRaw, long elapsedTicks)
        {
            if (_kind != RegisterKind.Unsigned16ClearOnRead)
            {
                throw new InvalidOperationException("this decoder is not for a 16-bit clear-on-read pair");
            }

            if (elapsedTicks < 0)
            {
                throw new ArgumentOutOfRangeException("elapsedTicks", "monotonic time never goes back");
            }

            long import = forwardRaw & Mask16;
            long export = reverseRaw & Mask16;
            long limit = LimitCounts(elapsedTicks);
            EnergyDelta result = new EnergyDelta();
            result.Status = DeltaStatus.Accepted;

            // Each register is judged on its own: a garbled read of one must not throw away the other.
            if (import <= limit)
            {
                result.ImportCounts = import;
            }
            else
            {
                result.Status = DeltaStatus.Implausible;
                result.RejectedCounts += import;
            }

            if (export <= limit)
            {
                result.ExportCounts = export;
            }
            else
            {
                result.Status = DeltaStatus.Implausible;
                result.RejectedCounts += export;
            }

            return result;
        }

        /// <summary>Sign-extends a 24-bit two's complement value.</summary>
        public static int SignExtend24(int raw)
        {
            raw &= Mask24;
            return (raw & 0x800000) != 0 ? raw - 0x1000000 : raw;
        }

        private EnergyDelta Judge(long signedDelta, long elapsedTicks)
        {
            if (Magnitude(signedDelta) <= LimitCounts(elapsedTicks))
            {
                return Split(signedDelta, DeltaStatus.Accepted);
            }

            EnergyDelta refused = new EnergyDelta();
            refused.Status = DeltaStatus.Implausible;
            refused.RejectedCounts = Magnitude(signedDelta);
            return refused;
        }

        private static EnergyDelta Split(long signedDelta, DeltaStatus status)
        {
            EnergyDelta result = new EnergyDelta();
            result.Status = status;
            if (signedDelta >= 0)
            {
                result.ImportCounts = signedDelta;
            }
            else
            {
                result.ExportCounts = -signedDelta;
            }

            return result;
        }

        private static long Magnitude(long value)
        {
            return value < 0 ? -value : value;
        }
    }
}
