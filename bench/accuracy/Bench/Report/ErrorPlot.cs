using System;
using System.Collections.Generic;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.Plan;
using AssetMeter.Metrology.Accuracy;
using ScottPlot;

namespace AssetMeter.Bench.Report
{
    /// <summary>
    /// Error against current for one power factor (ScottPlot, PNG): each run's points with their expanded
    /// uncertainty as error bars, against the Type 5 limits and, where the points carry them, the class 1 limits.
    /// Current on a logarithmic axis in percent of Ib, as test-house reports draw it.
    /// </summary>
    public static class ErrorPlot
    {
        private static readonly Color[] RunColours = { Colors.FireBrick, Colors.RoyalBlue, Colors.DarkGreen, Colors.DarkOrange };

        /// <summary>The load angles that have accuracy points, in plan order, with their label.</summary>
        public static List<(double Angle, string Label)> PowerFactors(TestPlan plan)
        {
            var found = new List<(double, string)>();
            foreach (TestPoint point in plan.Points)
            {
                if (point.Kind != PointKind.Accuracy)
                {
                    continue;
                }

                double angle = LoadSetting.LoadAngle(point.PowerFactor);
                if (!found.Exists(f => Math.Abs(f.Item1 - angle) < 0.01))
                {
                    found.Add((angle, "PF " + point.PowerFactor));
                }
            }

            return found;
        }

        public static byte[] Png(IReadOnlyList<BenchRun> runs, double angle, string label, int width = 900, int height = 520)
        {
            var plot = new Plot();
            TestPlan plan = runs[0].Plan;
            double ib = plan.Meter.BasicCurrent;
            double lowest = double.MaxValue;
            double highest = double.MinValue;
            for (int r = 0; r < runs.Count; r++)
            {
                var xs = new List<double>();
                var ys = new List<double>();
                var us = new List<double>();
                foreach (PointResult p in runs[r].Points)
                {
                    if (p.Point.Kind != PointKind.Accuracy || Math.Abs(p.Load.LoadAngleDegrees - angle) > 0.01)
                    {
                        continue;
                    }

                    double x = Math.Log10(100.0 * p.Load.CurrentRms / ib);
                    lowest = Math.Min(lowest, x);
                    highest = Math.Max(highest, x);
                    if (p.ErrorPercent is double e && p.Failure == null)
                    {
                        xs.Add(x);
                        ys.Add(e);
                        us.Add(p.Budget?.ExpandedPercent ?? 0);
                    }
                }

                if (xs.Count == 0)
                {
                    continue;
                }

                Order(xs, ys, us);
                var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
                scatter.Color = RunColours[r % RunColours.Length];
                scatter.LineWidth = 1.5f;
                scatter.MarkerSize = 8;
                scatter.LegendText = runs[r].Label;
                var bars = plot.Add.ErrorBar(xs.ToArray(), ys.ToArray(), us.ToArray());
                bars.Color = scatter.Color;
            }

            if (lowest > highest)
            {
                lowest = 0;
                highest = 2;
            }

            double left = lowest - 0.15;
            double right = highest + 0.15;
            Limit(plot, left, right, LimitsOfError.CoP11Type5.UpperPpm / 10000.0, Colors.Black, "CoP11 Type 5 (+2.5 % / -3.5 %)");
            Limit(plot, left, right, LimitsOfError.CoP11Type5.LowerPpm / 10000.0, Colors.Black, null);
            Class1Envelope(plot, runs[0], angle, ib);

            var ticks = new List<Tick>();
            foreach (double percent in new[] { 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 })
            {
                double x = Math.Log10(percent);
                if (x >= left && x <= right)
                {
                    ticks.Add(new Tick(x, percent.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
            plot.Axes.SetLimits(left, right, -5.0, 4.0);
            plot.Title($"Error against current, {label}");
            plot.XLabel("Current, % of Ib (log scale)");
            plot.YLabel("Error, % of reference energy");
            plot.ShowLegend(Alignment.LowerRight);
            return plot.GetImageBytes(width, height, ImageFormat.Png);
        }

        private static void Class1Envelope(Plot plot, BenchRun run, double angle, double ib)
        {
            var xs = new List<double>();
            var limits = new List<double>();
            var unused = new List<double>();
            foreach (PointResult p in run.Points)
            {
                if (p.Point.Kind == PointKind.Accuracy && p.Point.Class1Percent is double c && Math.Abs(p.Load.LoadAngleDegrees - angle) < 0.01)
                {
                    xs.Add(Math.Log10(100.0 * p.Load.CurrentRms / ib));
                    limits.Add(c);
                    unused.Add(0);
                }
            }

            if (xs.Count == 0)
            {
                return;
            }

            Order(xs, limits, unused);
            double[] x = xs.ToArray();
            var upper = plot.Add.Scatter(x, limits.ConvertAll(l => l).ToArray());
            var lower = plot.Add.Scatter(x, limits.ConvertAll(l => -l).ToArray());
            foreach (var line in new[] { upper, lower })
            {
                line.Color = Colors.Gray;
                line.LinePattern = LinePattern.Dotted;
                line.MarkerSize = 0;
                line.ConnectStyle = ConnectStyle.StepHorizontal;
            }

            upper.LegendText = "IEC 62053-21 class 1";
        }

        private static void Limit(Plot plot, double left, double right, double percent, Color colour, string? legend)
        {
            var line = plot.Add.Scatter(new[] { left, right }, new[] { percent, percent });
            line.Color = colour;
            line.LinePattern = LinePattern.Dashed;
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
            if (legend != null)
            {
                line.LegendText = legend;
            }
        }

        private static void Order(List<double> xs, List<double> ys, List<double> us)
        {
            var index = new List<int>();
            for (int i = 0; i < xs.Count; i++)
            {
                index.Add(i);
            }

            index.Sort((a, b) => xs[a].CompareTo(xs[b]));
            var x2 = index.ConvertAll(i => xs[i]);
            var y2 = index.ConvertAll(i => ys[i]);
            var u2 = index.ConvertAll(i => us[i]);
            xs.Clear();
            xs.AddRange(x2);
            ys.Clear();
            ys.AddRange(y2);
            us.Clear();
            us.AddRange(u2);
        }
    }
}
