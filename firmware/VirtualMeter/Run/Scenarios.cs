using System;
using AssetMeter.Hardware.Emulation;

namespace AssetMeter.VirtualMeter.Run
{
    /// <summary>Named loads for the emulated IC: what kind of asset the virtual meter is embedded in.</summary>
    public static class Scenarios
    {
        public static readonly string[] Names = { "charger", "battery", "heat-pump", "idle" };

        /// <summary>A repeating daily load of <paramref name="name"/> over <paramref name="days"/> days from a UTC day start, for <paramref name="phases"/> phases.</summary>
        public static LoadScenario Build(string name, int phases, double startSecondOfDay, int days, int seed)
        {
            var scenario = new LoadScenario(phases);
            var random = new Random(seed);
            for (int day = 0; day <= days; day++)
            {
                double dayStart = (day * 86400.0) - startSecondOfDay;
                foreach (var (hour, load) in Day(name, random))
                {
                    double at = dayStart + (hour * 3600);
                    if (at >= 0)
                    {
                        scenario.From(at, load);
                    }
                }
            }

            return scenario;
        }

        private static (double Hour, PhaseLoad Load)[] Day(string name, Random random) => name switch
        {
            // An EV charger: overnight charge at 32 A, a top-up in the afternoon, vehicle-to-grid export in the peak.
            "charger" => new[]
            {
                (0.0, PhaseLoad.Idle()),
                (1.0 + (random.Next(0, 30) / 60.0), PhaseLoad.At(230, 32, 0.99, true, false)),
                (5.0, PhaseLoad.Idle()),
                (13.0, PhaseLoad.At(230, 16, 0.98, true, false)),
                (14.5, PhaseLoad.Idle()),
                (17.0, PhaseLoad.At(230, 10, 1.0, true, true)),
                (19.0, PhaseLoad.Idle()),
            },

            // A home battery: charges on cheap night power, discharges into the evening peak.
            "battery" => new[]
            {
                (0.0, PhaseLoad.Idle()),
                (0.5, PhaseLoad.At(230, 20, 1.0, true, false)),
                (4.5, PhaseLoad.Idle()),
                (16.0, PhaseLoad.At(230, 13, 1.0, true, true)),
                (19.5, PhaseLoad.Idle()),
            },

            // A heat pump: cycles through the day, inductive, stronger in the morning and evening.
            "heat-pump" => new[]
            {
                (0.0, PhaseLoad.At(230, 6, 0.85, true, false)),
                (2.0, PhaseLoad.Idle()),
                (5.5, PhaseLoad.At(230, 12, 0.9, true, false)),
                (9.0, PhaseLoad.At(230, 4, 0.8, true, false)),
                (16.0, PhaseLoad.At(230, 11, 0.9, true, false)),
                (22.0, PhaseLoad.At(230, 5, 0.85, true, false)),
            },

            "idle" => new[] { (0.0, PhaseLoad.Idle()) },
            _ => throw new ArgumentException($"unknown scenario '{name}' (use {string.Join(", ", Names)})"),
        };
    }
}
