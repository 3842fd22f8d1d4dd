using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using AssetMeter.Collector;
using AssetMeter.Collector.Registry;
using AssetMeter.Firmware.Records;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// One simulated meter: its own P-256 key, and its records built by the meter's <see cref="OcmfRecordBuilder"/>
    /// (the bytes a real meter sends), signed with that key.
    /// </summary>
    internal sealed class BenchMeter : IRecordSigner, IDisposable
    {
        private const string Model = "AM-T5-BENCH";
        private const string FirmwareVersion = "0.1.0";
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public BenchMeter(int number)
        {
            Serial = "am-bench-" + number.ToString("D6", CultureInfo.InvariantCulture);
            AmsidImport = "AMSID-I-" + number.ToString(CultureInfo.InvariantCulture);
            AmsidExport = "AMSID-E-" + number.ToString(CultureInfo.InvariantCulture);
        }

        public string Serial { get; }

        public string AmsidImport { get; }

        public string AmsidExport { get; }

        public string Algorithm => MeterRegistration.Ecdsa;

        public string MimeType => "application/x-der";

        /// <summary>The collector's standing data for this meter (its public key).</summary>
        public MeterRegistration Registration(DateTime registeredUtc)
        {
            ECParameters p = _key.ExportParameters(false);
            return new MeterRegistration
            {
                Serial = Serial,
                Algorithm = MeterRegistration.Ecdsa,
                KeyHex = "04" + Convert.ToHexStringLower(p.Q.X!) + Convert.ToHexStringLower(p.Q.Y!),
                AmsidImport = AmsidImport,
                AmsidExport = AmsidExport,
                RegisteredUtc = registeredUtc,
            };
        }

        public int Sign(byte[] payload, int offset, int count, byte[] signature)
        {
            byte[] result = _key.SignData(payload, offset, count, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            result.CopyTo(signature, 0);
            return result.Length;
        }

        /// <summary>
        /// The signed records of <paramref name="count"/> consecutive periods from <paramref name="first"/>, registers
        /// chained (each starts where the one before ended).
        /// </summary>
        public byte[][] Records(long first, int count, long importStartMicrowattHours)
        {
            var builder = new OcmfRecordBuilder(new MeterIdentity(Serial, Model, FirmwareVersion, AmsidImport, AmsidExport), this);

            // 1.5 kWh imported and 150 Wh exported per half hour: well inside a Type 5 meter's 100 kW.
            const long ImportPerPeriod = 1_500_000_000;
            const long ExportPerPeriod = 150_000_000;
            var records = new byte[count][];
            long import = importStartMicrowattHours;
            long export = 5_000_000;
            for (int k = 0; k < count; k++)
            {
                var period = new HalfHourPeriod
                {
                    StartTicks = (first + k) * UtcPeriods.TicksPerPeriod,
                    ImportStartMicrowattHours = import,
                    ImportEndMicrowattHours = import + ImportPerPeriod,
                    ExportStartMicrowattHours = export,
                    ExportEndMicrowattHours = export + ExportPerPeriod,
                };
                if (!builder.BuildPeriod(period))
                {
                    throw new InvalidOperationException("the record did not build");
                }

                records[k] = builder.Record.AsSpan(0, builder.RecordLength).ToArray();
                import += ImportPerPeriod;
                export += ExportPerPeriod;
            }

            return records;
        }

        /// <summary>The meter's retained status, as its firmware writes it (docs/protocol.md).</summary>
        public byte[] Status(DateTime utc, long lastPeriod, long firstPeriod, long acknowledged)
        {
            var c = CultureInfo.InvariantCulture;
            return Encoding.ASCII.GetBytes(string.Format(
                c,
                "{{\"online\":true,\"serial\":\"{0}\",\"model\":\"{1}\",\"firmware\":\"{2}\",\"clock\":\"synchronised\",\"utc\":\"{3}\",\"last_period\":{4},\"first_period\":{5},\"acknowledged\":{6},\"import_wh\":1503.000,\"export_wh\":155.000,\"calibration\":1}}",
                Serial, Model, FirmwareVersion, UtcText.Format(utc), lastPeriod, firstPeriod, acknowledged));
        }

        public void Dispose() => _key.Dispose();
    }

    /// <summary>
    /// The fleet, generated before anything is measured: a key per meter, and each meter's records of the last
    /// <see cref="Depth"/> half hours. The newest, <see cref="Period"/>, is the measured boundary; the one before it
    /// and the one before that are boundaries the collector goes through first, as it would have in steady state
    /// (the meters' keys known to it, their previous periods stored); the oldest is stored beforehand.
    /// </summary>
    internal sealed class BenchFleet : IDisposable
    {
        /// <summary>Periods generated per meter.</summary>
        public const int Depth = 4;

        private readonly byte[][][] _records;

        private BenchFleet(BenchMeter[] meters, long period, byte[][][] records, MeterRegistration[] registrations)
        {
            Meters = meters;
            Period = period;
            _records = records;
            Registrations = registrations;
        }

        public BenchMeter[] Meters { get; }

        /// <summary>The index of the half hour that has just closed: the boundary measured.</summary>
        public long Period { get; }

        /// <summary>The oldest period generated.</summary>
        public long FirstPeriod => Period - Depth + 1;

        public MeterRegistration[] Registrations { get; }

        public int Count => Meters.Length;

        public static string PeriodTopic(BenchMeter meter) => "assetmeter/" + meter.Serial + "/period";

        public static string StatusTopic(BenchMeter meter) => "assetmeter/" + meter.Serial + "/status";

        /// <summary>Generates <paramref name="count"/> meters (keys and signatures on every core: setup, not measured).</summary>
        public static BenchFleet Generate(int count, DateTime nowUtc)
        {
            long period = UtcText.PeriodIndex(nowUtc) - 1;
            var meters = new BenchMeter[count];
            var records = new byte[count][][];
            var registrations = new MeterRegistration[count];
            Parallel.For(0, count, i =>
            {
                meters[i] = new BenchMeter(i + 1);
                records[i] = meters[i].Records(period - Depth + 1, Depth, 1_000_000_000L + (i * 1_000_000L));
                registrations[i] = meters[i].Registration(nowUtc.AddDays(-30));
            });
            return new BenchFleet(meters, period, records, registrations);
        }

        /// <summary>Meter <paramref name="meter"/>'s record of period <paramref name="index"/>.</summary>
        public byte[] Record(int meter, long index) => _records[meter][index - FirstPeriod];

        /// <summary>
        /// Each meter's status once <paramref name="last"/> is its last period and <paramref name="acknowledged"/> the
        /// highest acknowledged. Its journal starts at <see cref="FirstPeriod"/>, as if the meter had been installed
        /// then: the collector holds everything before <paramref name="last"/>, so it has nothing to ask for again.
        /// </summary>
        public List<(string Topic, byte[] Payload, bool Retain)> Statuses(DateTime utc, long last, long acknowledged)
        {
            var statuses = new List<(string, byte[], bool)>(Count);
            foreach (BenchMeter meter in Meters)
            {
                statuses.Add((StatusTopic(meter), meter.Status(utc, last, FirstPeriod, acknowledged), true));
            }

            return statuses;
        }

        /// <summary>
        /// What each meter publishes when period <paramref name="index"/> closes, in its order: the record, then its
        /// status (the period its last, the one before acknowledged).
        /// </summary>
        public List<(string Topic, byte[] Payload, bool Retain)> BoundaryMessages(DateTime utc, long index)
        {
            var messages = new List<(string, byte[], bool)>(2 * Count);
            for (int i = 0; i < Count; i++)
            {
                BenchMeter meter = Meters[i];
                messages.Add((PeriodTopic(meter), Record(i, index), false));
                messages.Add((StatusTopic(meter), meter.Status(utc, index, FirstPeriod, index - 1), true));
            }

            return messages;
        }

        public void Dispose()
        {
            foreach (BenchMeter meter in Meters)
            {
                meter.Dispose();
            }
        }
    }
}
