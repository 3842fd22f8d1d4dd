using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Mqtt;
using AssetMeter.Firmware.Records;
using AssetMeter.Firmware.Tests.Metering;
using AssetMeter.Hardware.Atecc608;
using AssetMeter.Hardware.Emulation;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>How the meter under test signs.</summary>
    public enum Signing
    {
        Atecc608,
        Hmac,
    }

    /// <summary>
    /// A whole virtual meter (emulated IC, real driver, real meter application, simulated time, journal in memory)
    /// with an in-memory MQTT transport, a signer (an emulated ATECC608 or an HMAC key) and a collector key.
    /// </summary>
    internal sealed class ProtocolMeter : IDisposable
    {
        public const long Second = 10_000_000;
        public const long Minute = 60 * Second;
        public const string Serial = "am-proto-1";

        private readonly Recorder _recorder = new();
        private readonly bool _ownsCollector;

        public ProtocolMeter(Signing signing = Signing.Atecc608, int journalSegments = 84, DateTime? startUtc = null, int seed = 1, PublisherSettings? publishing = null, CollectorKey? collector = null, IMqttTransport? transport = null)
        {
            _ownsCollector = collector == null;
            Collector = collector ?? new CollectorKey();
            IRecordSigner signer;
            if (signing == Signing.Atecc608)
            {
                var element = new Atecc608Emulator(configLocked: true, dataLocked: false);
                element.GenerateKeyInSlot(0);
                element.LockDataZone();
                var driver = new Atecc608(element, new GeneralCallWake(element.GeneralCall), element.Delay);
                signer = new Atecc608RecordSigner(driver, 0);
                MeterPublicKey = new byte[] { 4 }.Concat(element.PublicKeyOf(0)!).ToArray();
            }
            else
            {
                HmacKey = new byte[32];
                new Random(seed).NextBytes(HmacKey);
                signer = new HmacRecordSigner(HmacKey);
            }

            Storage = new MemoryStorage();
            Rig = new VirtualMeterRig(
                new RigOptions
                {
                    Load = MeteringLoopTests.ChargerLoad(1),
                    Serial = Serial,
                    AmsidImport = "AMSID-IMP-0001",
                    AmsidExport = "AMSID-EXP-0001",
                    Signer = signer,
                    Verifier = Verifier,
                    CollectorKeys = new[] { Collector.PublicKey },
                    Transport = transport ?? Transport,
                    JournalSegments = journalSegments,
                    StartUtc = startUtc ?? new DateTime(2026, 11, 22, 23, 59, 0, DateTimeKind.Utc),
                    Publishing = publishing ?? new PublisherSettings(),
                    Seed = seed,
                },
                Storage)
            {
                Observer = _recorder,
            };
            Rig.Boot();
        }

        public VirtualMeterRig Rig { get; }

        public MeterApplication Meter => Rig.Meter;

        public MemoryTransport Transport { get; } = new();

        /// <summary>The meter's command signature verifier, counting the verifications it is asked for.</summary>
        public CountingVerifier Verifier { get; } = new();

        public MemoryStorage Storage { get; }

        public CollectorKey Collector { get; }

        /// <summary>65-byte public key of the emulated ATECC608 (null with HMAC).</summary>
        public byte[]? MeterPublicKey { get; }

        public byte[]? HmacKey { get; }

        public MeterTopics Topics => Meter.Topics;

        /// <summary>Every event logged since the meter was built (across reboots).</summary>
        public List<MeterEvent> Events => _recorder.Events;

        /// <summary>UTC by the meter's clock.</summary>
        public DateTime MeterUtc => new(Meter.Loop.UtcNow(), DateTimeKind.Utc);

        private long _counter = 100;

        /// <summary>The next fresh command counter.</summary>
        public long NextCounter() => ++_counter;

        /// <summary>A valid signed command with a fresh counter, expiring in ten minutes by the meter's clock.</summary>
        public byte[] Command(string op, string arguments = "", long? counter = null)
        {
            return Collector.Sign(CollectorKey.Payload(Serial, counter ?? NextCounter(), MeterUtc.AddMinutes(10), op, arguments));
        }

        /// <summary>Delivers a message on the command topic and lets the meter handle it, without time passing.</summary>
        public void Deliver(byte[] message)
        {
            Meter.OnMessage(Topics.Command, message, message.Length);
            Meter.Tick();
        }

        /// <summary>The replies published since <paramref name="from"/> (an index into the transport's list).</summary>
        public List<JsonElement> Replies(int from = 0)
        {
            return Transport.Published.Skip(from).Where(m => m.Topic == Topics.Reply).Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone()).ToList();
        }

        /// <summary>Period records published since <paramref name="from"/>.</summary>
        public List<OcmfRecord> PeriodRecords(int from = 0)
        {
            return Transport.Published.Skip(from).Where(m => m.Topic == Topics.Period).Select(m => OcmfRecord.Parse(m.Payload)).ToList();
        }

        public List<OcmfRecord> Snapshots(int from = 0)
        {
            return Transport.Published.Skip(from).Where(m => m.Topic == Topics.Snapshot).Select(m => OcmfRecord.Parse(m.Payload)).ToList();
        }

        /// <summary>Every journal file except the event log, byte for byte.</summary>
        public Dictionary<string, byte[]> JournalFilesExceptEvents()
        {
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (string name in Storage.Names.Where(n => !n.StartsWith('e')))
            {
                byte[] content = Storage.Peek(name, out int length)!;
                files[name] = content[..length];
            }

            return files;
        }

        public static string Ascii(byte[] bytes) => Encoding.ASCII.GetString(bytes);

        public void Dispose()
        {
            if (_ownsCollector)
            {
                Collector.Dispose();
            }
        }
    }

    /// <summary>The portable ECDSA verifier, counting calls (to show how few commands reach it).</summary>
    internal sealed class CountingVerifier : ISignatureVerifier
    {
        private readonly EcdsaSignatureVerifier _verifier = new();

        public long Calls { get; private set; }

        public bool Verify(byte[] publicKey, byte[] data, int offset, int count, byte[] signature, int signatureOffset, int signatureLength)
        {
            Calls++;
            return _verifier.Verify(publicKey, data, offset, count, signature, signatureOffset, signatureLength);
        }
    }
}
