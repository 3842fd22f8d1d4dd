using System;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>
    /// The ADE7953's calibration registers as a <see cref="CalibrationRecord"/>, and the arithmetic between a
    /// chip-independent <see cref="CalibrationCorrection"/> and register values.
    /// </summary>
    /// <remarks>
    /// The record holds AIGAIN, AVGAIN, AWGAIN (unsigned, 0x400000 = unity), PHCALA (10-bit sign-magnitude) and
    /// AWATTOS (24-bit two's complement), at the addresses the driver writes (24-bit registers at their 32-bit
    /// view). BVGAIN is not stored: the driver keeps it equal to AVGAIN, as the datasheet asks.
    /// The active power path is (AIGAIN·I × AVGAIN·V) → LPF → ×AWGAIN → +AWATTOS → energy (datasheet Figure 45),
    /// so a gain correction goes into AWGAIN, and AWATTOS adds watts that no gain scales afterwards.
    /// </remarks>
    public static class Ade7953Calibration
    {
        /// <summary>Code of the ADE7953 in calibration records ('S', for the single-phase part).</summary>
        public const byte PartCode = 0x53;

        /// <summary>Smallest gain register value accepted (0.5 of unity; assumed usable range, as Figure 46's examples).</summary>
        public const int MinimumGain = 0x200000;

        /// <summary>Largest gain register value accepted (1.5 of unity).</summary>
        public const int MaximumGain = 0x600000;

        /// <summary>What <see cref="EncodePhase"/> returns for a correction beyond ±383 LSBs: not a PHCALx value.</summary>
        public const int OutOfRangePhase = 0x7FFF;

        private static readonly int[] RecordAddresses =
        {
            Ade7953Register.CurrentGainA, Ade7953Register.VoltageGain, Ade7953Register.ActivePowerGainA,
            Ade7953Register.PhaseCalibrationA, Ade7953Register.ActivePowerOffsetA,
        };

        /// <summary>Number of registers a record may hold.</summary>
        public static int RegisterCount
        {
            get { return RecordAddresses.Length; }
        }

        /// <summary>Address of record register <paramref name="index"/>.</summary>
        public static int AddressAt(int index)
        {
            return RecordAddresses[index];
        }

        /// <summary>The register's reset value, which is also its nominal calibration.</summary>
        public static int NominalValue(int address)
        {
            if (address == Ade7953Register.CurrentGainA || address == Ade7953Register.VoltageGain || address == Ade7953Register.ActivePowerGainA)
            {
                return Ade7953Bits.UnityGain;
            }

            return 0;
        }

        /// <summary>A record with every calibration register at its nominal value.</summary>
        public static CalibrationRecord Nominal(int version)
        {
            CalibrationRecord record = new CalibrationRecord(PartCode, version);
            for (int i = 0; i < RecordAddresses.Length; i++)
            {
                record.Set(RecordAddresses[i], NominalValue(RecordAddresses[i]));
            }

            return record;
        }

        /// <summary>The value of <paramref name="address"/> in <paramref name="record"/>, or its nominal value when absent.</summary>
        public static int ValueOf(CalibrationRecord record, int address)
        {
            int value;
            return record.TryGet(address, out value) ? value : NominalValue(address);
        }

        /// <summary>
        /// Checks that a record belongs to this part and every value is one the chip can hold. On failure,
        /// <paramref name="badRegister"/> is the offending address (-1 for a wrong part code or no record).
        /// </summary>
        public static bool IsValid(CalibrationRecord record, out int badRegister, out int badValue)
        {
            badRegister = -1;
            badValue = 0;
            if (record == null)
            {
                return false;
            }

            if (record.PartCode != PartCode)
            {
                badValue = record.PartCode;
                return false;
            }

            for (int i = 0; i < record.Count; i++)
            {
                int address = record.AddressAt(i);
                int value = record.ValueAt(i);
                badRegister = address;
                badValue = value;
                if (address == Ade7953Register.CurrentGainA || address == Ade7953Register.VoltageGain || address == Ade7953Register.ActivePowerGainA)
                {
                    if (value < MinimumGain || value > MaximumGain)
                    {
                        return false;
                    }
                }
                else if (address == Ade7953Register.PhaseCalibrationA)
                {
                    if ((value & ~(Ade7953Bits.PhaseAdvance | Ade7953Bits.PhaseMagnitudeMask)) != 0
                        || (value & Ade7953Bits.PhaseMagnitudeMask) > Ade7953Bits.PhaseMagnitudeMaximum)
                    {
                        return false;
                    }
                }
                else if (address == Ade7953Register.ActivePowerOffsetA)
                {
                    if (value < -0x800000 || value > 0x7FFFFF)
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }

            badRegister = -1;
            badValue = 0;
            return true;
        }

        /// <summary>
        /// PHCALx value for a phase correction of <paramref name="degrees"/> at <paramref name="lineFrequencyHertz"/>:
        /// positive degrees delay the current channel (sign bit 0), which makes the current lag more.
        /// One LSB is 1/895 kHz = 1.117 µs, 0.0201° at 50 Hz; the magnitude is limited to 383 (±7.66° at 50 Hz),
        /// and a larger correction gives <see cref="OutOfRangePhase"/>.
        /// </summary>
        public static int EncodePhase(double degrees, double lineFrequencyHertz)
        {
            double lsbs = degrees * Ade7953FrontEnd.PhaseClockHertz / (360.0 * lineFrequencyHertz);
            int magnitude = (int)Math.Round(lsbs < 0 ? -lsbs : lsbs);
            if (magnitude > Ade7953Bits.PhaseMagnitudeMaximum)
            {
                // Out of range: a value with bits above the 10-bit field, which IsValid refuses (never a silent clamp).
                return OutOfRangePhase;
            }

            return lsbs < 0 && magnitude != 0 ? Ade7953Bits.PhaseAdvance | magnitude : magnitude;
        }

        /// <summary>The phase correction, degrees, that a PHCALx value applies at <paramref name="lineFrequencyHertz"/>.</summary>
        public static double DecodePhase(int register, double lineFrequencyHertz)
        {
            double degrees = (register & Ade7953Bits.PhaseMagnitudeMask) * 360.0 * lineFrequencyHertz / Ade7953FrontEnd.PhaseClockHertz;
            return (register & Ade7953Bits.PhaseAdvance) != 0 ? -degrees : degrees;
        }

        /// <summary>AWATTOS LSBs for <paramref name="watts"/> of offset on the reference front end (1 LSB = 15.3 µW).</summary>
        public static int EncodeOffset(double watts)
        {
            return (int)Math.Round(watts / Ade7953FrontEnd.WattsPerActivePowerLsb * Ade7953FrontEnd.OffsetLsbsPerActivePowerLsb);
        }

        /// <summary>Watts of offset an AWATTOS value adds.</summary>
        public static double DecodeOffset(int register)
        {
            return register * Ade7953FrontEnd.WattsPerActivePowerLsb / Ade7953FrontEnd.OffsetLsbsPerActivePowerLsb;
        }

        /// <summary>
        /// The record that applies <paramref name="correction"/> on top of <paramref name="current"/>, with the next
        /// version: gain multiplies AWGAIN, phase adds to PHCALA (at the nominal 50 Hz), offset adds to AWATTOS.
        /// Values are not range-checked here; <see cref="IsValid"/> does that before anything is written.
        /// </summary>
        public static CalibrationRecord Corrected(CalibrationRecord current, CalibrationCorrection correction)
        {
            CalibrationRecord next = current.NextVersion();
            for (int i = 0; i < RecordAddresses.Length; i++)
            {
                next.Set(RecordAddresses[i], ValueOf(current, RecordAddresses[i]));
            }

            int gain = ValueOf(current, Ade7953Register.ActivePowerGainA);
            next.Set(Ade7953Register.ActivePowerGainA, (int)Math.Round(gain * correction.GainFactor));

            double degrees = DecodePhase(ValueOf(current, Ade7953Register.PhaseCalibrationA), Ade7953FrontEnd.LineFrequencyHertz)
                + correction.PhaseDegrees;
            next.Set(Ade7953Register.PhaseCalibrationA, EncodePhase(degrees, Ade7953FrontEnd.LineFrequencyHertz));

            next.Set(Ade7953Register.ActivePowerOffsetA, ValueOf(current, Ade7953Register.ActivePowerOffsetA) + EncodeOffset(correction.OffsetWatts));
            return next;
        }
    }
}
