using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;
using AssetMeter.Firmware.Records;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// A meter for collector tests: the meter's own record builder (the bytes a real meter sends) signed with a
    /// .NET ECDSA key (or HMAC), and periods with chained registers.
    /// </summary>
    internal sealed class TestMeter : IRecordSigner, IDisposable
    {
        public static readonly DateTime Day = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

        private readonly ECDsa? _ecdsa;
        private readonly byte[]? _hmacKey;
        private readonly OcmfRecordBuilder _builder;

        public TestMeter(string serial = "am-test-1", bool hmac = false, string amsidImport = "AMSID-I-1", string? amsidExport = "AMSID-E-1")
        {
            Serial = serial;
            AmsidImport = amsidImport;
            AmsidExport = amsidExport;
            if (hmac)
            {
                _hmacKey = RandomNumberGenerator.GetBytes(32);
            }
            else
            {
                _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            }

            _builder = new OcmfRecordBuilder(new MeterIdentity(serial, "AM-T5-TEST", "0.1.0", amsidImport, amsidExport!), this);
        }

        public string Serial { get; }

        public string AmsidImport { get; }

        public string? AmsidExport { get; }

        public string Algorithm => _ecdsa != null ? MeterRegistration.Ecdsa : MeterRegistration.Hmac;

        public string MimeType => _ecdsa != null ? "application/x-der" : "application/octet-stream";

        public MeterRegistration Registration => new()
        {
            Serial = Serial,
            Algorithm = Algorithm,
            KeyHex = _ecdsa != null ? PublicKeyHex(_ecdsa) : Convert.ToHexStringLower(_hmacKey!),
            AmsidImport = AmsidImport,
            AmsidExport = AmsidExport,
            RegisteredUtc = Day,
        };

        public string Topic => "assetmeter/" + Serial + "/period";

        public int Sign(byte[] payload, int offset, int count, byte[] signature)
        {
            byte[] result = _ecdsa != null
                ? _ecdsa.SignData(payload, offset, count, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                : HMACSHA256.HashData(_hmacKey!, payload.AsSpan(offset, count));
            result.CopyTo(signature, 0);
            return result.Length;
        }

        /// <summary>The record of one period, as the meter sends it.</summary>
        public byte[] Record(HalfHourPeriod period)
        {
            if (!_builder.BuildPeriod(period))
            {
                throw new InvalidOperationException("record did not build");
            }

            var record = new byte[_builder.RecordLength];
            Array.Copy(_builder.Record, record, record.Length);
            return record;
        }

        /// <summary>A signed register snapshot (T context), as the meter sends it on request.</summary>
        public byte[] Snapshot(DateTime utc, long importMicrowattHours, long exportMicrowattHours, long pagination)
        {
            if (!_builder.BuildSnapshot(utc.Ticks, 'S', importMicrowattHours, exportMicrowattHours, PeriodFlags.None, pagination))
            {
                throw new InvalidOperationException("snapshot did not build");
            }

            var record = new byte[_builder.RecordLength];
            Array.Copy(_builder.Record, record, record.Length);
            return record;
        }

        /// <summary>
        /// <paramref name="count"/> consecutive periods from <paramref name="start"/>, importing
        /// <paramref name="importWhPerPeriod"/> each (exporting a tenth of it), registers chained.
        /// </summary>
        public static List<HalfHourPeriod> Periods(DateTime start, int count, long importWhPerPeriod = 1500, long firstImportUwh = 1_000_000_000)
        {
            var periods = new List<HalfHourPeriod>();
            long import = firstImportUwh;
            long export = 5_000_000;
            for (int i = 0; i < count; i++)
            {
                long addImport = (importWhPerPeriod * 1_000_000) + (i * 1_234);
                long addExport = importWhPerPeriod * 100_000;
                periods.Add(new HalfHourPeriod
                {
                    StartTicks = start.Ticks + (i * UtcPeriods.TicksPerPeriod),
                    ImportStartMicrowattHours = import,
                    ImportEndMicrowattHours = import + addImport,
                    ExportStartMicrowattHours = export,
                    ExportEndMicrowattHours = export + addExport,
                });
                import += addImport;
                export += addExport;
            }

            return periods;
        }

        private static string PublicKeyHex(ECDsa key)
        {
            ECParameters p = key.ExportParameters(false);
            return "04" + Convert.ToHexStringLower(p.Q.X!) + Convert.ToHexStringLower(p.Q.Y!);
        }

        public void Dispose() => _ecdsa?.Dispose();
    }

    /// <summary>A SQLite store in a temporary directory, deleted afterwards.</summary>
    internal sealed class TemporaryStore : IDisposable
    {
        public TemporaryStore()
        {
            Directory = Path.Combine(Path.GetTempPath(), "assetmeter-collector-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Directory);
            Location = "sqlite:" + Path.Combine(Directory, "collector.db");
            Store = CollectorStore.Open(Location);
        }

        public string Directory { get; }

        public string Location { get; }

        public CollectorStore Store { get; }

        public void Dispose()
        {
            Store.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                System.IO.Directory.Delete(Directory, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
