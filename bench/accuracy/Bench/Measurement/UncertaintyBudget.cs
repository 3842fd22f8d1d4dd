using System;
using System.Collections.Generic;

namespace AssetMeter.Bench.Measurement
{
    /// <summary>One line of an uncertainty budget, in percent of the reference energy (the unit of the error).</summary>
    public sealed record UncertaintyComponent(string Name, double HalfWidthPercent, string Distribution, double Divisor)
    {
        public double StandardPercent => HalfWidthPercent / Divisor;
    }

    /// <summary>
    /// The uncertainty of a point's error (GUM: standard uncertainties added in quadrature, expanded with k = 2):
    /// the reference's accuracy, the resolution of both registers (each energy is the difference of two readings, so
    /// its quantisation error lies within one step and is triangular), and the spread of repeated runs (type A).
    /// </summary>
    public sealed class UncertaintyBudget
    {
        public const double CoverageFactor = 2.0;

        private readonly List<UncertaintyComponent> _components = new();

        public IReadOnlyList<UncertaintyComponent> Components => _components;

        public double CombinedStandardPercent
        {
            get
            {
                double sum = 0;
                foreach (UncertaintyComponent c in _components)
                {
                    sum += c.StandardPercent * c.StandardPercent;
                }

                return Math.Sqrt(sum);
            }
        }

        public double ExpandedPercent => CoverageFactor * CombinedStandardPercent;

        public UncertaintyBudget Add(UncertaintyComponent component)
        {
            _components.Add(component);
            return this;
        }

        /// <summary>
        /// The budget of a point: <paramref name="referenceStandardPercent"/> from the reference's certificate or class,
        /// step sizes of each reading, the energies summed over <paramref name="runs"/> runs, and their spread.
        /// </summary>
        public static UncertaintyBudget For(double referenceStandardPercent, string referenceBasis, double referenceWattHours, double referenceStepWattHours,
            double meterStepWattHours, int runs, double? spreadPercent)
        {
            var budget = new UncertaintyBudget();

            // A standard uncertainty u given as a normal "half-width" u with divisor 1 keeps every line in one form.
            budget.Add(new UncertaintyComponent("reference meter (" + referenceBasis + ")", referenceStandardPercent, "as stated", 1.0));
            double perRun = Math.Sqrt(runs);
            budget.Add(new UncertaintyComponent("reference register resolution", 100.0 * referenceStepWattHours * perRun / referenceWattHours, "triangular", Math.Sqrt(6.0)));
            budget.Add(new UncertaintyComponent("meter register resolution", 100.0 * meterStepWattHours * perRun / referenceWattHours, "triangular", Math.Sqrt(6.0)));
            if (runs > 1 && spreadPercent is double s)
            {
                budget.Add(new UncertaintyComponent($"repeatability, s = {s:0.####} % over {runs} runs (type A, s/√n)", s, "normal", Math.Sqrt(runs)));
            }

            return budget;
        }

        /// <summary>Energy that makes the budget's expanded uncertainty <paramref name="targetExpandedPercent"/>, Wh; infinity if the reference alone is worse.</summary>
        public static double EnergyFor(double targetExpandedPercent, double referenceStandardPercent, double referenceStepWattHours, double meterStepWattHours)
        {
            double room = Math.Pow(targetExpandedPercent / CoverageFactor, 2) - (referenceStandardPercent * referenceStandardPercent);
            if (room <= 0)
            {
                return double.PositiveInfinity;
            }

            double steps = Math.Sqrt(((referenceStepWattHours * referenceStepWattHours) + (meterStepWattHours * meterStepWattHours)) / 6.0);
            return 100.0 * steps / Math.Sqrt(room);
        }
    }
}
