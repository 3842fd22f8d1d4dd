using System;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Bench.MeterUnderTest
{
    /// <summary>Who the meter under test is, for the report and the calibration assistant.</summary>
    public sealed record MeterInfo(string Serial, string Model, string Firmware, string AmsidImport, string? AmsidExport, int CalibrationVersion)
    {
        /// <summary>The calibration record's part code of the fitted IC, from the model ("AM-T5-ADE7953"), or 0 if unknown.</summary>
        public byte PartCode => Model.EndsWith("ADE7953", StringComparison.OrdinalIgnoreCase) ? AssetMeter.Hardware.Ade7953.Ade7953Calibration.PartCode
            : Model.EndsWith("ATM90E32AS", StringComparison.OrdinalIgnoreCase) || Model.EndsWith("ATM90E32", StringComparison.OrdinalIgnoreCase) ? AssetMeter.Hardware.Atm90e32.Atm90e32.Code
            : (byte)0;
    }

    /// <summary>One reading of the meter's cumulative import register, with what it came from (a signed record, a count).</summary>
    /// <remarks>
    /// <paramref name="FaultFlags"/> are the meter's own flags that say energy may be wrong (records: XF power-lost 4 and
    /// ic-fault 8 of the period open at the reading); a flag raised between the start and end readings of a point
    /// makes the point not measured.
    /// </remarks>
    public sealed record MeterReading(long ImportMicrowattHours, DateTime? MeterUtc, string Raw, string Verification, long FaultFlags = 0);

    /// <summary>The meter under test, read through one of its channels.</summary>
    public interface IMeterUnderTest : IAsyncDisposable
    {
        /// <summary>How it is read ("MQTT signed records on 127.0.0.1:1883, ECDSA verified").</summary>
        string Channel { get; }

        /// <summary>Resolution of one reading, Wh.</summary>
        double ResolutionWattHours { get; }

        /// <summary>True when the energy is counted as pulses of the test output.</summary>
        bool CountsPulses { get; }

        Task<MeterInfo> IdentifyAsync(CancellationToken cancel);

        /// <summary>The register now; throws <see cref="Reference.BenchReadException"/> when it cannot be read or verified.</summary>
        Task<MeterReading> ReadAsync(CancellationToken cancel);

        /// <summary>True when <see cref="CalibrateAsync"/> can reach the meter.</summary>
        bool CanCalibrate { get; }

        /// <summary>Puts a calibration record in force; returns what the meter said.</summary>
        Task<string> CalibrateAsync(CalibrationRecord record, CancellationToken cancel);
    }
}
