using System;
using System.Threading;
using System.Threading.Tasks;

namespace AssetMeter.Bench.Reference
{
    /// <summary>
    /// How good the reference is. With a calibration certificate, its expanded uncertainty (k = 2) at PF 1 and at
    /// PF 0.5 is used; without one, the class index is taken as the bound of a rectangular distribution (at PF 0.5,
    /// 1.2 times the class index, as IEC 62053-22 class 0.5S allows 0.6 %).
    /// </summary>
    public sealed class ReferenceAccuracy
    {
        public double ClassPercent { get; init; } = 0.5;

        public double? CertificateUncertaintyPercentAtUnity { get; init; }

        public double? CertificateUncertaintyPercentAtHalf { get; init; }

        /// <summary>The reference's standard uncertainty at a power factor, percent, and what it rests on.</summary>
        public (double StandardPercent, string Basis) At(double powerFactor)
        {
            bool low = Math.Abs(powerFactor) < 0.95;
            double? certificate = low ? CertificateUncertaintyPercentAtHalf ?? CertificateUncertaintyPercentAtUnity : CertificateUncertaintyPercentAtUnity;
            if (certificate is double u)
            {
                return (u / 2.0, $"calibration certificate, U = {u:0.###} % (k = 2)");
            }

            double bound = low ? ClassPercent * 1.2 : ClassPercent;
            return (bound / Math.Sqrt(3.0), $"class {ClassPercent:0.###} bound ±{bound:0.###} %, rectangular");
        }

        public override string ToString()
            => CertificateUncertaintyPercentAtUnity is double u
                ? $"class {ClassPercent:0.###}, certificate U = {u:0.###} % at PF 1, {CertificateUncertaintyPercentAtHalf ?? u:0.###} % at PF 0.5 (k = 2)"
                : $"class {ClassPercent:0.###} (no certificate: class bounds used)";
    }

    /// <summary>Who the reference meter is, for the report.</summary>
    public sealed record ReferenceIdentity(string Model, string Serial, string Connection, ReferenceAccuracy Accuracy);

    /// <summary>One reading of the reference's cumulative import energy, with the raw values it came from.</summary>
    public sealed record ReferenceReading(double WattHours, double ResolutionWattHours, string Raw, DateTime Utc);

    /// <summary>The reference's instantaneous values (a check that the source is what the plan asked for).</summary>
    public sealed record ReferenceInstantaneous(double Volts, double Amps, double Watts, double PowerFactor, double Hertz);

    /// <summary>A reference meter: Modbus registers or a pulse input, behind one interface.</summary>
    public interface IReferenceMeter : IDisposable
    {
        ReferenceIdentity Identity { get; }

        /// <summary>
        /// The import energy register now. Throws <see cref="BenchReadException"/> (or a Modbus error) when it cannot be read:
        /// the point is then marked, never passed.
        /// </summary>
        Task<ReferenceReading> ReadAsync(DateTime utc, CancellationToken cancel);

        /// <summary>Instantaneous values, where the reference offers them (null otherwise or on failure).</summary>
        Task<ReferenceInstantaneous?> ReadInstantaneousAsync(CancellationToken cancel);

        /// <summary>True when energy is counted as pulses (then the plan's minimum pulse count applies).</summary>
        bool CountsPulses { get; }

        /// <summary>Nominal resolution of one reading, Wh.</summary>
        double ResolutionWattHours { get; }
    }

    /// <summary>A reading of the reference or of the meter under test failed; the message says why.</summary>
    public sealed class BenchReadException : Exception
    {
        public BenchReadException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }
}
