using AssetMeter.Metrology.Energy;

namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// A metering IC as the metrology loop uses it, whatever the part and bus. Drivers implement it over an
    /// <see cref="Bus.IBusDevice"/>; every operation returns a status and never throws for a chip or bus fault,
    /// and <see cref="LastFault"/> says what went wrong for the event log.
    /// </summary>
    public interface IEnergyIc
    {
        /// <summary>Part name for logs and records, e.g. "ADE7953".</summary>
        string PartName { get; }

        /// <summary>Code of the part in calibration records.</summary>
        byte PartCode { get; }

        /// <summary>Phases metered (1 or 3).</summary>
        int PhaseCount { get; }

        /// <summary>How the energy registers count: decides how <see cref="EnergyReading"/> is decoded.</summary>
        RegisterKind EnergyRegisterKind { get; }

        /// <summary>What one energy-register count is worth at the nominal calibration.</summary>
        EnergyScale Scale { get; }

        /// <summary>The calibration in force.</summary>
        CalibrationRecord Calibration { get; }

        /// <summary>Details of the last failure.</summary>
        IcFault LastFault { get; }

        /// <summary>
        /// True when the last <see cref="Start"/> found the chip already configured and left it running, so its
        /// energy registers kept counting (a processor-only restart): the loop keeps its register baseline. False
        /// when Start reset the chip: its registers restarted from zero.
        /// </summary>
        bool LastStartWasWarm { get; }

        /// <summary>
        /// Brings the chip up: identifies it, resets it, writes the required settings, the configuration and
        /// the calibration in force, and verifies every write and the chip's checksum.
        /// </summary>
        IcStatus Start();

        /// <summary>Reads the energy registers (and the active power, for consistency) into <paramref name="reading"/>.</summary>
        IcStatus ReadEnergy(EnergyReading reading);

        /// <summary>Reads voltage, current, power, power factor and frequency.</summary>
        IcStatus ReadInstantaneous(InstantaneousValues values);

        /// <summary>
        /// Checks that the chip still holds the configuration and calibration written to it. Returns
        /// <see cref="IcStatus.ChipReset"/> if it restarted by itself (call <see cref="Start"/> again).
        /// </summary>
        IcStatus CheckHealth();

        /// <summary>Writes a calibration record to the chip and verifies it; on success it is the one in force.</summary>
        IcStatus ApplyCalibration(CalibrationRecord record);

        /// <summary>
        /// The calibration record that applies <paramref name="correction"/> to phase <paramref name="phase"/>
        /// (0-based) on top of <paramref name="current"/>, with the next version number.
        /// </summary>
        CalibrationRecord Corrected(CalibrationRecord current, int phase, CalibrationCorrection correction);
    }
}
