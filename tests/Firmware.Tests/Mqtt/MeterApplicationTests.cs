using System;
using System.Text;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Records;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Mqtt
{
    /// <summary>The whole meter application (metering, journal, records, MQTT) with a loopback broker.</summary>
    [TestClass]
    public class MeterApplicationTests
    {
        private const long Second = 10_000_000;
        private static readonly byte[] HmacKey = Encoding.ASCII.GetBytes("meter-application-tests-hmac-key-32");

        private static VirtualMeterRig Rig(IcKind ic, LoopbackMqtt mqtt)
        {
            int phases = ic == IcKind.Ade7953 ? 1 : 3;
            var load = new LoadScenario(phases).From(0, PhaseLoad.At(230, 20, 0.98, true, false));
            return new VirtualMeterRig(new RigOptions { Ic = ic, Load = load, Transport = mqtt, Signer = new HmacRecordSigner(HmacKey) }, new MemoryStorage());
        }

        [TestMethod]
        public void A_fresh_meter_publishes_each_period_record_as_the_period_closes()
        {
            // Regression: with an empty journal the next period to send was index 0, and the meter walked from
            // there through every missing index, eight a tick, for some fifty simulated days before its first record.
            var mqtt = new LoopbackMqtt();
            var rig = Rig(IcKind.Ade7953, mqtt);
            var meter = rig.Boot();
            rig.Run(3600 * Second, () => rig.Journal.LastPeriodIndex >= 0);
            Assert.AreEqual(1, mqtt.MessagesOn(meter.Topics.Period), "the first period's record goes out in the tick that closes it");

            // Unacknowledged records are sent again every quarter of an hour, so count the periods, not the messages.
            rig.Run(3 * 3600 * Second);
            long last = rig.Journal.LastPeriodIndex;
            Assert.IsTrue(last - rig.Journal.FirstPeriodIndex >= 5, "several periods closed");
            Assert.AreEqual(last + 1, meter.NextPeriodToSend);
            Assert.IsTrue(mqtt.MessagesOn(meter.Topics.Period) >= last - rig.Journal.FirstPeriodIndex + 1);
        }

        [TestMethod]
        [DataRow(IcKind.Ade7953)]
        [DataRow(IcKind.Atm90e32)]
        public void A_steady_state_tick_of_the_whole_application_allocates_nothing(IcKind ic)
        {
            var mqtt = new LoopbackMqtt();
            var rig = Rig(ic, mqtt);
            var meter = rig.Boot();

            // Warm: connected (discovery sent), time known, records and checkpoints flowing.
            rig.Run(3600 * Second);
            long periodsBefore = mqtt.MessagesOn(meter.Topics.Period);
            long telemetryBefore = mqtt.MessagesOn(meter.Topics.Telemetry);
            long snapshotsBefore = mqtt.MessagesOn(meter.Topics.Snapshot);
            long statusBefore = mqtt.MessagesOn(meter.Topics.Status);

            // Four hours, measured around each tick alone: six or more period closes with their records, status and
            // checkpoints, sixteen snapshots, 1,440 telemetry messages, checkpoints every 10 Wh. The span stays inside
            // one journal segment (a new segment builds its file names, by design).
            long firstIndex = rig.Journal.LastPeriodIndex;
            long allocated = 0;
            long ticks = 0;
            long end = rig.Clock.Ticks + (4 * 3600 * Second);
            while (rig.Clock.Ticks < end)
            {
                rig.Clock.Advance(meter.Loop.PollIntervalTicks);
                long before = GC.GetAllocatedBytesForCurrentThread();
                meter.Tick();
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                ticks++;
            }

            Assert.AreEqual(firstIndex / 240, rig.Journal.LastPeriodIndex / 240, "the span crossed a segment boundary; move it");
            Assert.IsTrue(mqtt.MessagesOn(meter.Topics.Period) - periodsBefore >= 7, "period records published");
            Assert.IsTrue(mqtt.MessagesOn(meter.Topics.Telemetry) - telemetryBefore >= 1400, "telemetry published");
            Assert.IsTrue(mqtt.MessagesOn(meter.Topics.Snapshot) - snapshotsBefore >= 15, "snapshots published");
            Assert.IsTrue(mqtt.MessagesOn(meter.Topics.Status) - statusBefore >= 7, "status published");
            Assert.AreEqual(0, allocated, $"{allocated} bytes over {ticks} ticks");
        }

        [TestMethod]
        [DataRow(IcKind.Ade7953)]
        [DataRow(IcKind.Atm90e32)]
        public void Two_simulated_days_close_96_clean_periods_conserve_energy_and_allocate_only_for_commands(IcKind ic)
        {
            // The small instance of bench/year/run.sh.
            var report = new SimulatedYear(new SimulatedYearOptions { Ic = ic, Days = 2 }).Run();

            Assert.AreEqual(96, report.PeriodsClosed);
            Assert.AreEqual(96, report.PeriodsJournaledAndChained);
            Assert.AreEqual(0, report.PeriodsFlagged);
            double tolerance = 4 * report.CountWattHours * report.Phases;
            Assert.IsTrue(report.TrueImportWattHours > 60_000 * report.Phases, $"import {report.TrueImportWattHours} Wh");
            Assert.IsTrue(Math.Abs(report.MeteredImportWattHours - report.TrueImportWattHours) <= tolerance, $"import {report.MeteredImportWattHours} vs {report.TrueImportWattHours}");
            Assert.IsTrue(Math.Abs(report.MeteredExportWattHours - report.TrueExportWattHours) <= tolerance, $"export {report.MeteredExportWattHours} vs {report.TrueExportWattHours}");
            Assert.AreEqual(2, report.AcknowledgementsSent);
            Assert.AreEqual(2, report.Events[EventCode.CommandAccepted]);
            Assert.IsTrue(report.AcknowledgedPeriodIndex >= (report.StartUtc.Ticks / UtcPeriods.TicksPerPeriod) + 94, "the second day acknowledged");
            Assert.AreEqual(0, report.AllocatingTicks[(int)AllocationCause.Unexpected], $"{report.AllocatedBytes[(int)AllocationCause.Unexpected]} bytes in ticks that neither handled a command nor opened a file");
        }
    }
}
