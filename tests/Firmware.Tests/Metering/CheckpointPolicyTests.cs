using System.Collections.Generic;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Storage;
using AssetMeter.Hardware.Emulation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Metering
{
    /// <summary>
    /// The checkpoint policy (MeteringSettings): one every 10 Wh, but energy alone never writes one sooner than 15 s
    /// after the last, which bounds the journal's flash wear at any load (docs/firmware.md, "Flash wear").
    /// </summary>
    [TestClass]
    public class CheckpointPolicyTests
    {
        private const long Second = 10_000_000;

        [TestMethod]
        [DataRow(IcKind.Ade7953, 1)]
        [DataRow(IcKind.Atm90e32, 3)]
        public void At_full_demand_energy_checkpoints_come_every_minimum_interval_not_every_poll(IcKind ic, int phases)
        {
            var times = CheckpointTimes(ic, phases, 100_000);
            var settings = new MeteringSettings();

            // 100 kW carries 27.8 Wh a poll: the 10 Wh rule alone would write on every poll (300 in the window).
            Assert.AreEqual(300 * Second / settings.CheckpointMinimumTicks, times.Count, "checkpoints in 300 s");
            for (int i = 1; i < times.Count; i++)
            {
                Assert.AreEqual(settings.CheckpointMinimumTicks, times[i] - times[i - 1], $"gap before checkpoint {i}");
            }
        }

        [TestMethod]
        public void At_7_kW_the_minimum_interval_sets_the_pace()
        {
            // 7 kW on one phase: 1.944 Wh a poll, 10 Wh after the sixth poll (6 s), but no sooner than 15 s.
            var times = CheckpointTimes(IcKind.Ade7953, 1, 7_000);
            Assert.AreEqual(20, times.Count, "checkpoints in 300 s");
            for (int i = 1; i < times.Count; i++)
            {
                Assert.AreEqual(15 * Second, times[i] - times[i - 1], $"gap before checkpoint {i}");
            }
        }

        [TestMethod]
        public void Up_to_2_4_kW_the_10_Wh_rule_is_unchanged()
        {
            // 2.2 kW on one phase: 0.611 Wh a poll, 10 Wh after the seventeenth poll (17 s, beyond the 15 s minimum).
            var times = CheckpointTimes(IcKind.Ade7953, 1, 2_200);
            Assert.IsTrue(times.Count >= 17, $"checkpoints in 300 s: {times.Count}");
            for (int i = 1; i < times.Count; i++)
            {
                Assert.AreEqual(17 * Second, times[i] - times[i - 1], $"gap before checkpoint {i}");
            }
        }

        [TestMethod]
        [DataRow(2_000.0, 10.556)]
        [DataRow(2_400.0, 10.667)]
        [DataRow(7_000.0, 29.167)]
        [DataRow(22_080.0, 92.0)]
        [DataRow(100_000.0, 416.667)]
        public void The_energy_at_risk_is_the_larger_of_10_Wh_plus_a_poll_and_15_s_of_the_power(double watts, double expectedWattHours)
        {
            Assert.AreEqual(expectedWattHours, EnergyAtRisk.WattHours(new MeteringSettings(), watts, Second), 0.0005);
        }

        [TestMethod]
        public void Without_a_minimum_interval_a_poll_that_carries_10_Wh_puts_only_that_poll_at_risk()
        {
            var settings = new MeteringSettings { CheckpointMinimumTicks = 0 };
            Assert.AreEqual(27.778, EnergyAtRisk.WattHours(settings, 100_000, Second), 0.0005);
            Assert.AreEqual(11.944, EnergyAtRisk.WattHours(settings, 7_000, Second), 0.0005);
        }

        // Monotonic times of the checkpoint writes over 300 s of a constant load, after ten minutes of warm-up (time
        // known, IC running); the window ends before the first half-hour boundary, so no period close adds one.
        private static List<long> CheckpointTimes(IcKind ic, int phases, double watts)
        {
            var load = new LoadScenario(phases).From(0, PhaseLoad.At(230, watts / phases / 230.0, 1.0, true, false));
            var recorder = new CheckpointRecorder(new MemoryStorage());
            var rig = new VirtualMeterRig(new RigOptions { Ic = ic, Load = load }, recorder);
            recorder.Clock = rig.Clock;
            rig.Boot();
            rig.Run(600 * Second);
            recorder.Times.Clear();
            rig.Run(300 * Second);
            return recorder.Times;
        }

        private sealed class CheckpointRecorder : IStorage
        {
            private readonly IStorage _inner;

            public CheckpointRecorder(IStorage inner)
            {
                _inner = inner;
            }

            public SimulationClock? Clock { get; set; }

            public List<long> Times { get; } = new();

            public int Read(string name, byte[] buffer) => _inner.Read(name, buffer);

            public void Write(string name, byte[] buffer, int count)
            {
                _inner.Write(name, buffer, count);
                if (name.StartsWith("ck.", System.StringComparison.Ordinal) && Clock != null)
                {
                    Times.Add(Clock.Ticks);
                }
            }

            public void Delete(string name) => _inner.Delete(name);

            public int List(string[] names) => _inner.List(names);
        }
    }
}
