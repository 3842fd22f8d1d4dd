using System;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Hardware.Atm90e32
{
    /// <summary>
    /// The ATM90E32AS calibration registers as a <see cref="CalibrationRecord"/>: for each phase PQGain, Phi,
    /// POffset, Ugain and Igain, and the encodings between chip-independent corrections and register values.
    /// </summary>
    /// <remarks>
    /// Encodings (assumed, see README "Calibration"): PQGain is a two's complement relative gain, the energy
    /// is multiplied by 1 + PQGain / 2^15 (30.5 ppm per LSB); Phi delays the current channel by Phi cycles of
    /// the 2.048 MHz metering clock, i.e. 360 x 50 / 2,048,000 = 0.00879 degrees per LSB at 50 Hz (positive:
    /// current lags more); POffset is added to the phase's active power at 1/256 W per LSB. Maths in double:
    /// it runs on the bench, not in the metrology loop.
    /// </remarks>
    public static class Atm90e32Calibration
    {
        /// <summary>PQGain counts for a gain factor of 2 (a factor of 1 + 1/2^15 per count).</summary>
        public const int GainUnity = 32768;

        /// <summary>Metering clock the phase delay is counted in, hertz.</summary>
        public const int PhaseClockHertz = 2048000;

        /// <summary>POffset counts per watt.</summary>
        public const int OffsetCountsPerWatt = 256;

        /// <summary>Largest PQGain magnitude accepted (gain factor 0.5 to 1.5).</summary>
        public const int MaximumGainCounts = 16384;

        /// <summary>Largest Phi magnitude accepted (about 18 degrees at 50 Hz).</summary>
        public const int MaximumPhiCounts = 2048;

        /// <summary>Registers per phase in a record.</summary>
        public const int RegistersPerPhase = 5;

        /// <summary>The nominal calibration of the reference board: no correction, nominal RMS gains; version 0.</summary>
        public static CalibrationRecord Nominal()
        {
            CalibrationRecord record = new CalibrationRecord(Atm90e32.Code, 0);
            for (int phase = 0; phase < Atm90e32Register.PhaseCount; phase++)
            {
                Atm90e32PhaseRegisters r = Atm90e32Register.Phase(phase);
                record.Set(r.PQGain, 0);
                record.Set(r.Phi, 0);
                record.Set(r.POffset, 0);
                record.Set(r.Ugain, Atm90e32ReferenceBoard.NominalUgain);
                record.Set(r.Igain, Atm90e32ReferenceBoard.NominalIgain);
            }

            return record;
        }

        /// <summary>The energy gain factor a PQGain value applies.</summary>
        public static double GainFactorOf(int pqGain)
        {
            return 1.0 + ((double)pqGain / GainUnity);
        }

        /// <summary>The PQGain value nearest to <paramref name="gainFactor"/> (out of range values are returned as such, for the validator to refuse).</summary>
        public static int GainCountsFor(double gainFactor)
        {
            return RoundBounded((gainFactor - 1.0) * GainUnity);
        }

        /// <summary>Degrees of extra current lag a Phi value applies at <paramref name="lineHertz"/>.</summary>
        public static double PhaseDegreesOf(int phi, int lineHertz)
        {
            return (double)phi * 360.0 * lineHertz / PhaseClockHertz;
        }

        /// <summary>The Phi value nearest to <paramref name="degrees"/> of extra current lag at <paramref name="lineHertz"/>.</summary>
        public static int PhiCountsFor(double degrees, int lineHertz)
        {
            return RoundBounded(degrees * PhaseClockHertz / (360.0 * lineHertz));
        }

        /// <summary>Watts a POffset value adds.</summary>
        public static double OffsetWattsOf(int pOffset)
        {
            return (double)pOffset / OffsetCountsPerWatt;
        }

        /// <summary>The POffset value nearest to <paramref name="watts"/>.</summary>
        public static int OffsetCountsFor(double watts)
        {
            return RoundBounded(watts * OffsetCountsPerWatt);
        }

        /// <summary>
        /// The record applying <paramref name="correction"/> to phase <paramref name="phase"/> on top of
        /// <paramref name="current"/> (nominal when null), with the next version. Gains multiply, phase and offset add.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The phase is not 0, 1 or 2.</exception>
        public static CalibrationRecord Corrected(CalibrationRecord current, int phase, CalibrationCorrection correction)
        {
            Atm90e32PhaseRegisters r = Atm90e32Register.Phase(phase);
            CalibrationRecord next = current == null ? Nominal().NextVersion() : current.NextVersion();
            int gain = ValueOr(next, r.PQGain, 0);
            int phi = ValueOr(next, r.Phi, 0);
            int offset = ValueOr(next, r.POffset, 0);
            next.Set(r.PQGain, GainCountsFor(GainFactorOf(gain) * correction.GainFactor));
            next.Set(r.Phi, PhiCountsFor(PhaseDegreesOf(phi, Atm90e32ReferenceBoard.LineFrequencyHertz) + correction.PhaseDegrees, Atm90e32ReferenceBoard.LineFrequencyHertz));
            next.Set(r.POffset, OffsetCountsFor(OffsetWattsOf(offset) + correction.OffsetWatts));
            return next;
        }

        /// <summary>
        /// True when <paramref name="record"/> belongs to this part and holds exactly the fifteen calibration
        /// registers, each within its range; otherwise <paramref name="badAddress"/> names the first offender
        /// (-1 for the record itself).
        /// </summary>
        public static bool IsValid(CalibrationRecord record, out int badAddress)
        {
            badAddress = -1;
            if (record == null || record.PartCode != Atm90e32.Code || record.Count != RegistersPerPhase * Atm90e32Register.PhaseCount)
            {
                return false;
            }

            for (int phase = 0; phase < Atm90e32Register.PhaseCount; phase++)
            {
                Atm90e32PhaseRegisters r = Atm90e32Register.Phase(phase);
                if (!InRange(record, r.PQGain, -MaximumGainCounts, MaximumGainCounts - 1, out badAddress)
                    || !InRange(record, r.Phi, -MaximumPhiCounts, MaximumPhiCounts, out badAddress)
                    || !InRange(record, r.POffset, -32768, 32767, out badAddress)
                    || !InRange(record, r.Ugain, 1, 0xFFFF, out badAddress)
                    || !InRange(record, r.Igain, 1, 0xFFFF, out badAddress))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool InRange(CalibrationRecord record, int address, int minimum, int maximum, out int badAddress)
        {
            int value;
            if (!record.TryGet(address, out value) || value < minimum || value > maximum)
            {
                badAddress = address;
                return false;
            }

            badAddress = -1;
            return true;
        }

        private static int ValueOr(CalibrationRecord record, int address, int fallback)
        {
            int value;
            return record.TryGet(address, out value) ? value : fallback;
        }

        // Rounds to the nearest integer; anything beyond +-2^20 (or NaN) becomes int.MinValue, which no range accepts.
        private static int RoundBounded(double value)
        {
            if (!(value > -1048576.0 && value < 1048576.0))
            {
                return int.MinValue;
            }

            return (int)Math.Round(value);
        }
    }
}
