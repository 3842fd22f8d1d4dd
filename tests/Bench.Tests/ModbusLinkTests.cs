using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using AssetMeter.Bench.Emulated;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.Modbus;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Reference;
using AssetMeter.Bench.Run;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Bench.Tests
{
    /// <summary>
    /// The Modbus client against the emulated reference through a real pseudo-terminal pair (socat) and TCP, and the
    /// emulated reference checked by an independent master, Debian's mbpoll, reading the same registers.
    /// </summary>
    [TestClass]
    public class ModbusLinkTests
    {
        [TestMethod]
        public async Task Sdm630_registers_read_over_a_pty_pair_and_tcp_agree_with_mbpoll()
        {
            string directory = TestBench.NewDirectory("sdm630");
            try
            {
                await using EmulatedBench bench = await TestBench.StartAsync(directory, o => new EmulatedBenchOptions { WorkDirectory = o.WorkDirectory, Dut = DutChannel.Ic, Link = ReferenceLink.Rtu });
                await bench.Source.ApplyAsync(new LoadSetting(230, 10, 60, 1), TestBench.Timeout());
                await bench.Clock.WaitAsync(TimeSpan.FromSeconds(600), TestBench.Timeout());

                // Time stands still while nothing waits: every master sees one instant.
                var client = (ModbusReferenceMeter)bench.Reference;
                ReferenceReading energy = await client.ReadAsync(DateTime.UtcNow, TestBench.Timeout());
                ReferenceInstantaneous? values = await client.ReadInstantaneousAsync(TestBench.Timeout());
                Assert.IsNotNull(values);
                Assert.AreEqual("23010417", client.Identity.Serial, "serial read from holding register 0xFC00");
                Assert.AreEqual(230 * 10 * 0.5 * 600 / 3600.0, energy.WattHours, 0.5, "about 191.7 Wh in ten minutes at 1150 W");
                Assert.AreEqual(230.0, values!.Volts, 1e-3);
                Assert.AreEqual(0.5, values.PowerFactor, 0.002);
                StringAssert.StartsWith(client.Identity.Connection, "Modbus unit 1 on RTU /dev/pts/");

                // mbpoll on a second pty pair to the same device, and over TCP.
                using var pty = SocatPair.Start(Path.Combine(directory, "mbpoll"));
                using var rtu = new ModbusRtuServer(bench.Device, pty.ReferenceEnd, 9600);
                using var tcp = new ModbusTcpServer(bench.Device);
                (double[] overRtu, string rtuText) = TestBench.Mbpoll("-m", "rtu", "-b", "9600", "-P", "none", "-a", "1", "-t", "3:float", "-B", "-0", "-r", "0", "-c", "4", "-1", "-o", "2", pty.BenchEnd);
                (double[] energyRtu, _) = TestBench.Mbpoll("-m", "rtu", "-b", "9600", "-P", "none", "-a", "1", "-t", "3:float", "-B", "-0", "-r", "72", "-c", "1", "-1", "-o", "2", pty.BenchEnd);
                (double[] energyTcp, string tcpText) = TestBench.Mbpoll("-m", "tcp", "-p", tcp.Port.ToString(CultureInfo.InvariantCulture), "-a", "1", "-t", "3:float", "-B", "-0", "-r", "72", "-c", "1", "-1", "127.0.0.1");
                Assert.AreEqual(4, overRtu.Length, rtuText);
                Assert.AreEqual(values.Volts, overRtu[0], 1e-3, "voltage L1 at 0x0000");
                Assert.AreEqual(values.Amps, overRtu[3], 1e-4, "current L1 at 0x0006");
                Assert.AreEqual(1, energyTcp.Length, tcpText);
                Assert.AreEqual(energy.WattHours / 1000.0, energyRtu[0], 1e-5, "import kWh at 0x0048 over RTU");
                Assert.AreEqual(energy.WattHours / 1000.0, energyTcp[0], 1e-5, "import kWh at 0x0048 over TCP");
            }
            finally
            {
                TestBench.Delete(directory);
            }
        }

        [TestMethod]
        public async Task Em24_energy_is_an_int32_low_word_first_in_tenths_of_a_kilowatt_hour()
        {
            string directory = TestBench.NewDirectory("em24");
            try
            {
                await using EmulatedBench bench = await TestBench.StartAsync(directory, o => new EmulatedBenchOptions { WorkDirectory = o.WorkDirectory, Dut = DutChannel.Ic, Link = ReferenceLink.Tcp, Model = ReferenceModel.Em24 });
                await bench.Source.ApplyAsync(new LoadSetting(230, 60, 0, 1), TestBench.Timeout());
                await bench.Clock.WaitAsync(TimeSpan.FromSeconds(3600), TestBench.Timeout());
                ReferenceReading energy = await bench.Reference.ReadAsync(DateTime.UtcNow, TestBench.Timeout());
                Assert.AreEqual(13_800, energy.WattHours, 100, "13.8 kWh in an hour at 13.8 kW, in 0.1 kWh steps");
                Assert.AreEqual(0, energy.WattHours % 100, 1e-6);
                Assert.AreEqual(100.0, energy.ResolutionWattHours);

                // mbpoll's default word order for 32-bit integers is low word first: the EM24's.
                (double[] raw, string text) = TestBench.Mbpoll("-m", "tcp", "-p", bench.TcpPort!.Value.ToString(CultureInfo.InvariantCulture), "-a", "1", "-t", "3:int", "-0", "-r", "52", "-c", "1", "-1", "127.0.0.1");
                Assert.AreEqual(1, raw.Length, text);
                Assert.AreEqual(energy.WattHours / 100.0, raw[0], 1e-9);
            }
            finally
            {
                TestBench.Delete(directory);
            }
        }

        [TestMethod]
        public async Task Crc_errors_timeouts_exceptions_and_a_missing_reference_each_give_a_clear_error_and_never_a_pass()
        {
            string directory = TestBench.NewDirectory("faults");
            try
            {
                await using EmulatedBench bench = await TestBench.StartAsync(directory, o => new EmulatedBenchOptions { WorkDirectory = o.WorkDirectory, Dut = DutChannel.Ic, Link = ReferenceLink.Rtu });
                var reference = (ModbusReferenceMeter)bench.Reference;
                ModbusFaults faults = bench.Device.Faults;

                faults.CorruptCrc(1);
                await reference.ReadAsync(DateTime.UtcNow, TestBench.Timeout());
                StringAssert.Contains(reference.Client.RetriedFailures[^1], "CRC", "one damaged answer is retried");

                faults.CorruptCrc(10);
                StringAssert.Contains((await Assert.ThrowsExactlyAsync<BenchReadException>(() => reference.ReadAsync(DateTime.UtcNow, TestBench.Timeout()))).Message, "has CRC");
                faults.CorruptCrc(0);

                faults.Silence(10);
                StringAssert.Contains((await Assert.ThrowsExactlyAsync<BenchReadException>(() => reference.ReadAsync(DateTime.UtcNow, TestBench.Timeout()))).Message, "no complete answer");
                faults.Silence(0);

                faults.Exception(4, 10);
                string failure = (await Assert.ThrowsExactlyAsync<BenchReadException>(() => reference.ReadAsync(DateTime.UtcNow, TestBench.Timeout()))).Message;
                StringAssert.Contains(failure, "exception 4 (server device failure)");
                faults.Exception(4, 0);

                // A missing reference during a run: the points are marked, with the reason, and none passes.
                var plan = new TestPlan
                {
                    Name = "two points",
                    Meter = bench.Options.Ratings,
                    Points =
                    {
                        new TestPoint { Id = "A", Name = "Ib PF 1", Current = "Ib", DwellSeconds = 60 },
                        new TestPoint { Id = "B", Name = "Imax PF 1", Current = "Imax", DwellSeconds = 60 },
                    },
                };
                faults.Absent = true;
                BenchRun run = await new BenchRunner(plan, bench.Reference, bench.Meter, bench.Source, bench.Clock).RunAsync("reference unplugged", TestBench.Timeout());
                foreach (PointResult point in run.Points)
                {
                    Assert.AreEqual(PointOutcome.NotMeasured, point.Outcome);
                    StringAssert.Contains(point.Failure, "no complete answer from unit 1");
                }

                // Back again, the same points measure and pass.
                faults.Absent = false;
                run = await new BenchRunner(plan, bench.Reference, bench.Meter, bench.Source, bench.Clock).RunAsync("reference back", TestBench.Timeout());
                Assert.AreEqual(2, run.Count(PointOutcome.Pass), string.Join("; ", run.Points.ConvertAll(p => p.Failure ?? p.Outcome.ToString())));
            }
            finally
            {
                TestBench.Delete(directory);
            }
        }

        [TestMethod]
        public async Task A_refused_tcp_connection_is_a_link_error()
        {
            int port = AssetMeter.Collector.Compliance.EmbeddedBroker.FreePort();
            var reference = new ModbusReferenceMeter(ReferenceModel.Sdm630, new ModbusTcpTransport("127.0.0.1", port), 1, new ReferenceAccuracy(), serial: "x");
            var e = await Assert.ThrowsExactlyAsync<BenchReadException>(() => reference.ReadAsync(DateTime.UtcNow, TestBench.Timeout()));
            Assert.AreEqual(ModbusFailure.Link, ((ModbusException)e.InnerException!).Failure, e.Message);
            StringAssert.Contains(e.Message, "TCP 127.0.0.1:" + port);
        }
    }
}
