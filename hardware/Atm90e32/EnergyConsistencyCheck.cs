using AssetMeter.Metrology.Energy;

namespace AssetMeter.Hardware.Atm90e32
{
    /// <summary>
    /// Cross-checks the energy the registers gave against the chip's own active power times the elapsed time,
    /// over a window, to catch a stuck or corrupted energy register (for example one that keeps reading zero,
    /// or the same value, while tens of watts flow).
    /// </summary>
    /// <remarks>
    /// Only steady intervals count: at most a minute long, both power samples at least the floor (well above the
    /// no-load threshold), of the same sign, and within an eighth of each other, so a load step or the no-load band cannot raise a
    /// false alarm. The expected energy of an interval is the mean of the two samples times its length. When
    /// the expected energy of the window reaches <see cref="WindowMicrowattHours"/> over at least two
    /// intervals, the window closes and is judged: the register energy must lie within a quarter of the expected
    /// energy plus <see cref="SlackMicrowattHours"/>. Integer arithmetic throughout.
    /// </remarks>
    public sealed class EnergyConsistencyCheck
    {
        /// <summary>Expected energy that closes a window, µWh (0.4 Wh, 128 counts at 3.125 mWh).</summary>
        public const long WindowMicrowattHours = 400000;

        /// <summary>Absolute slack of the judgement, µWh (16 counts at 3.125 mWh).</summary>
        public const long SlackMicrowattHours = 50000;

        /// <summary>Longest interval judged, ticks (a minute): after a longer gap the power samples say little, and mW x ticks stays far from overflow.</summary>
        public const long MaximumIntervalTicks = 600000000;

        // mW x ticks / 36,000,000 = µWh (3.6e10 ticks an hour, 1000 µWh a mWh).
        private const long MilliwattTicksPerMicrowattHour = 36000000;

        private readonly EnergyScale _scale;
        private readonly long _floorMilliwatts;

        private bool _hasPrevious;
        private long _previousTicks;
        private long _previousMilliwatts;
        private long _expected;
        private long _actual;
        private int _intervals;

        /// <summary>Creates a check for registers of <paramref name="scale"/>, ignoring power below <paramref name="floorMilliwatts"/>.</summary>
        public EnergyConsistencyCheck(EnergyScale scale, long floorMilliwatts)
        {
            _scale = scale;
            _floorMilliwatts = floorMilliwatts;
        }

        /// <summary>Expected energy of the last window judged, µWh (signed: positive is import).</summary>
        public long LastExpectedMicrowattHours { get; private set; }

        /// <summary>Register energy of the last window judged, µWh (signed).</summary>
        public long LastActualMicrowattHours { get; private set; }

        /// <summary>Forgets everything (after a start or a chip reset).</summary>
        public void Reset()
        {
            _hasPrevious = false;
            _expected = 0;
            _actual = 0;
            _intervals = 0;
        }

        /// <summary>
        /// Adds one read: the monotonic time, the active power read with it and the net counts (forward minus
        /// reverse) the registers gave since the previous read. Returns false when a window closes inconsistent.
        /// </summary>
        public bool Add(long ticks, long milliwatts, long netCounts)
        {
            if (!_hasPrevious)
            {
                _hasPrevious = true;
                _previousTicks = ticks;
                _previousMilliwatts = milliwatts;
                return true;
            }

            long elapsed = ticks - _previousTicks;
            if (elapsed > 0 && elapsed <= MaximumIntervalTicks && IsSteady(_previousMilliwatts, milliwatts))
            {
                _expected += ((_previousMilliwatts + milliwatts) / 2) * elapsed / MilliwattTicksPerMicrowattHour;
                _actual += netCounts * _scale.MicrowattHoursPerCountNumerator / _scale.MicrowattHoursPerCountDenominator;
                _intervals++;
            }

            _previousTicks = ticks;
            _previousMilliwatts = milliwatts;
            if (_intervals < 2 || Magnitude(_expected) < WindowMicrowattHours)
            {
                return true;
            }

            LastExpectedMicrowattHours = _expected;
            LastActualMicrowattHours = _actual;
            bool consistent = Magnitude(_actual - _expected) <= (Magnitude(_expected) / 4) + SlackMicrowattHours;
            _expected = 0;
            _actual = 0;
            _intervals = 0;
            return consistent;
        }

        private bool IsSteady(long a, long b)
        {
            if (Magnitude(a) < _floorMilliwatts || Magnitude(b) < _floorMilliwatts || (a < 0) != (b < 0))
            {
                return false;
            }

            long larger = Magnitude(a) > Magnitude(b) ? Magnitude(a) : Magnitude(b);
            return Magnitude(a - b) <= larger / 8;
        }

        private static long Magnitude(long value)
        {
            return value < 0 ? -value : value;
        }
    }
}
