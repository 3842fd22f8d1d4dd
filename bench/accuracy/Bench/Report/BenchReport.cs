using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using AssetMeter.Bench.Calibration;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.Plan;

namespace AssetMeter.Bench.Report
{
    /// <summary>What the calibration assistant did between two runs.</summary>
    public sealed record CalibrationStep(CalibrationFit Fit, string RecordBeforeHex, int VersionBefore, string RecordAfterHex, int VersionAfter, string MeterAnswer);

    /// <summary>
    /// The test report: identities, the table of points, the plots, the calibration, the uncertainty budgets and every
    /// raw reading (signed records verbatim), so that a third party can recompute each figure. Written as report.md
    /// (plots beside it as PNG) and report.html (plots embedded).
    /// </summary>
    public static class BenchReport
    {
        public const string MarkdownFile = "report.md";
        public const string HtmlFile = "report.html";

        /// <summary>Set when the bench clock was simulated: the report says so wherever a time appears.</summary>
        public static ReportDocument Build(IReadOnlyList<BenchRun> runs, CalibrationStep? calibration, bool simulatedTime, string toolVersion)
        {
            BenchRun first = runs[0];
            var doc = new ReportDocument();
            doc.H(1, $"Accuracy test report: meter {first.Meter.Serial}");
            doc.P(F($"Bench tool assetmeter-bench {toolVersion}. Report written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; tests run {first.StartUtc:yyyy-MM-dd HH:mm:ss} to {runs[^1].EndUtc:yyyy-MM-dd HH:mm:ss} UTC{(simulatedTime ? " (simulated time: an emulated bench on an accelerated clock; every dwell below is simulated seconds)" : string.Empty)}."));
            doc.P("Plan: " + first.Plan.Name + ". Method: start-stop (both registers read with the current off, the load on for the dwell, off, settle, read again). Error = (E_meter - E_ref) / E_ref x 100; U is the expanded uncertainty (k = 2); a point passes only when its whole uncertainty band lies inside the limits and U is at most 1/5 of the narrower limit (IEC 62058), fails when the whole band lies outside, and is inconclusive otherwise.");

            doc.H(2, "Summary");
            var summary = new List<string[]>();
            foreach (BenchRun run in runs)
            {
                summary.Add(new[]
                {
                    run.Label, run.Meter.CalibrationVersion.ToString(CultureInfo.InvariantCulture), Count(run, PointOutcome.Pass), Count(run, PointOutcome.Fail),
                    Count(run, PointOutcome.Inconclusive), Count(run, PointOutcome.NotMeasured), Overall(run),
                    F($"{(run.EndUtc - run.StartUtc).TotalHours:0.00} h{(simulatedTime ? " simulated" : string.Empty)} ({run.WallSeconds:0} s real)"),
                });
            }

            doc.Table(new[] { "Run", "Calibration version", "Pass", "Fail", "Inconclusive", "Not measured", "Type 5 verdict", "Duration" }, summary);

            doc.H(2, "Meter under test");
            doc.Table(new[] { "Field", "Value" }, new List<string[]>
            {
                new[] { "Serial", first.Meter.Serial },
                new[] { "AMSID (import)", first.Meter.AmsidImport },
                new[] { "AMSID (export)", first.Meter.AmsidExport ?? "none" },
                new[] { "Model", first.Meter.Model },
                new[] { "Firmware", first.Meter.Firmware },
                new[] { "Calibration version", string.Join(", ", System.Linq.Enumerable.Select(runs, r => r.Label + ": " + r.Meter.CalibrationVersion)) },
                new[] { "Read through", first.MeterChannel },
                new[] { "Ratings", F($"Un {first.Plan.Meter.NominalVoltage} V, Ib {first.Plan.Meter.BasicCurrent} A, Imax {first.Plan.Meter.MaximumCurrent} A, {first.Plan.Meter.Frequency} Hz, {first.Plan.Meter.Phases} element(s), test output {first.Plan.Meter.MeterConstant} imp/kWh") },
            });

            doc.H(2, "Reference meter and source");
            doc.Table(new[] { "Field", "Value" }, new List<string[]>
            {
                new[] { "Model", first.Reference.Model },
                new[] { "Serial", first.Reference.Serial },
                new[] { "Connection", first.Reference.Connection },
                new[] { "Accuracy", first.Reference.Accuracy.ToString() },
                new[] { "Source", first.Source },
            });

            foreach (BenchRun run in runs)
            {
                PointsTable(doc, run, simulatedTime);
            }

            doc.H(2, "Error against current");
            foreach ((double angle, string label) in ErrorPlot.PowerFactors(first.Plan))
            {
                string file = "error-" + label.Replace(' ', '-').Replace('.', '_').ToLowerInvariant() + ".png";
                doc.Image(file, "Error against current at " + label, ErrorPlot.Png(runs, angle, label));
            }

            if (calibration != null)
            {
                Calibration(doc, calibration);
            }

            doc.H(2, "Uncertainty budgets");
            foreach (BenchRun run in runs)
            {
                doc.H(3, run.Label);
                var rows = new List<string[]>();
                foreach (PointResult p in run.Points)
                {
                    if (p.Budget == null)
                    {
                        continue;
                    }

                    foreach (UncertaintyComponent c in p.Budget.Components)
                    {
                        rows.Add(new[] { p.Point.Id, c.Name, F($"{c.HalfWidthPercent:0.#####}"), c.Distribution, F($"{c.Divisor:0.###}"), F($"{c.StandardPercent:0.#####}") });
                    }

                    rows.Add(new[] { p.Point.Id, "combined (k = 1) / expanded (k = 2)", string.Empty, string.Empty, string.Empty, F($"{p.Budget.CombinedStandardPercent:0.#####} / {p.Budget.ExpandedPercent:0.#####}") });
                }

                doc.Table(new[] { "Point", "Component", "Value, %", "Distribution", "Divisor", "Standard uncertainty, %" }, rows);
            }

            doc.H(2, "Raw readings");
            doc.P("Every reading as taken. Reference: the Modbus registers as received (or the pulse count). Meter: the signed OCMF snapshot exactly as received (verify it with the meter's public key: docs/records.md), whose import register is the first RV. E_ref = reference end - start; E_meter = meter end - start; summed over the runs of a point.");
            foreach (BenchRun run in runs)
            {
                doc.H(3, run.Label);
                foreach (PointResult p in run.Points)
                {
                    doc.H(4, $"{p.Point.Id} {p.Point.Name}");
                    if (p.Failure != null)
                    {
                        doc.P("Not measured: " + p.Failure);
                    }

                    for (int i = 0; i < p.Repetitions.Count; i++)
                    {
                        Repetition r = p.Repetitions[i];
                        string instantaneous = r.Instantaneous is { } v ? F($"; reference half way: {v.Volts:0.###} V, {v.Amps:0.####} A, {v.Watts:0.###} W, PF {v.PowerFactor:0.####}, {v.Hertz:0.###} Hz") : string.Empty;
                        doc.P(F($"Run {i + 1}: load on {r.LoadOnUtc:HH:mm:ss.fff}, off {r.LoadOffUtc:HH:mm:ss.fff} UTC ({r.OnSeconds:0.###} s); E_ref = {r.ReferenceWattHours:0.######} Wh, E_meter = {r.MeterWattHours:0.######} Wh{instantaneous}"));
                        doc.Code($"reference start {r.ReferenceStart.Utc:HH:mm:ss.fff}: {r.ReferenceStart.Raw}\nreference end   {r.ReferenceEnd.Utc:HH:mm:ss.fff}: {r.ReferenceEnd.Raw}\nmeter start ({r.MeterStart.Verification}): {r.MeterStart.Raw}\nmeter end   ({r.MeterEnd.Verification}): {r.MeterEnd.Raw}");
                    }
                }
            }

            return doc;
        }

        /// <summary>Writes report.md, the plots beside it and report.html into <paramref name="directory"/>; returns the two report paths.</summary>
        public static (string Markdown, string Html) Write(string directory, ReportDocument doc, string title)
        {
            Directory.CreateDirectory(directory);
            foreach (ReportDocument.Block block in doc.Blocks)
            {
                if (block is ReportDocument.ImageBlock image)
                {
                    File.WriteAllBytes(Path.Combine(directory, image.FileName), image.Png);
                }
            }

            string markdown = Path.Combine(directory, MarkdownFile);
            string html = Path.Combine(directory, HtmlFile);
            File.WriteAllText(markdown, doc.ToMarkdown());
            File.WriteAllText(html, doc.ToHtml(title));
            return (markdown, html);
        }

        /// <summary>Type 5 verdict of a run: every accuracy point passes and the creep and starting tests pass.</summary>
        public static string Overall(BenchRun run)
        {
            bool allPass = true;
            bool anyFail = false;
            foreach (PointResult p in run.Points)
            {
                Judgement? type5 = p.JudgementFor("CoP11") ?? p.JudgementFor("No load") ?? p.JudgementFor("Starting");
                PointOutcome outcome = p.Failure != null || type5 == null ? PointOutcome.NotMeasured : type5.Outcome;
                allPass &= outcome == PointOutcome.Pass;
                anyFail |= outcome == PointOutcome.Fail;
            }

            return allPass ? "PASS" : anyFail ? "FAIL" : "not decided";
        }

        private static void PointsTable(ReportDocument doc, BenchRun run, bool simulated)
        {
            doc.H(2, "Results: " + run.Label);
            var rows = new List<string[]>();
            foreach (PointResult p in run.Points)
            {
                Judgement? type5 = p.JudgementFor("CoP11") ?? p.JudgementFor("No load") ?? p.JudgementFor("Starting");
                Judgement? class1 = p.JudgementFor("IEC");
                string note = p.Failure ?? type5?.Reason ?? string.Empty;
                if (class1 != null && class1.Outcome != PointOutcome.Pass)
                {
                    note += (note.Length > 0 ? "; " : string.Empty) + "class 1: " + class1.Reason;
                }

                rows.Add(new[]
                {
                    p.Point.Id, p.Point.Name, F($"{p.Load.VoltageRms:0.##}"), F($"{p.Load.CurrentRms:0.####}"), p.Point.PowerFactor,
                    F($"{p.DwellSeconds:0} x {Math.Max(1, p.Repetitions.Count)}") + " (" + p.DwellReason + ")",
                    F($"{p.ReferenceWattHours:0.######}"), F($"{p.MeterWattHours:0.######}"),
                    p.ErrorPercent is double e ? F($"{e:+0.000;-0.000;0.000}") : "-",
                    p.Budget != null ? F($"{p.Budget.ExpandedPercent:0.000}") : "-",
                    p.SpreadPercent is double s ? F($"{s:0.0000}") : "-",
                    Verdict(p, type5), class1 == null ? "-" : Verdict(p, class1), note,
                });
            }

            doc.Table(new[] { "Id", "Point", "V", "I, A", "PF", simulated ? "Dwell, simulated s x runs" : "Dwell, s x runs", "E_ref, Wh", "E_meter, Wh", "Error, %", "U (k=2), %", "s, %", "Type 5 / test", "Class 1", "Note" }, rows);
        }

        private static void Calibration(ReportDocument doc, CalibrationStep step)
        {
            doc.H(2, "Calibration");
            doc.P("Fitted from the first run: " + step.Fit + ". Model: measured power = g·V·I·cos(φ + δ) + o per element; the PF 1 points at two currents give g·cos δ and o, the PF 0.5 lag point gives δ; the correction is gain 1/g, phase -δ, offset -o.");
            doc.Table(new[] { "", "Version", "Record (hex, as sent in the calibrate command)" }, new List<string[]>
            {
                new[] { "Before", step.VersionBefore.ToString(CultureInfo.InvariantCulture), step.RecordBeforeHex },
                new[] { "After", step.VersionAfter.ToString(CultureInfo.InvariantCulture), step.RecordAfterHex },
            });
            doc.P("The meter's answer: " + step.MeterAnswer);
        }

        private static string Verdict(PointResult p, Judgement? j)
        {
            if (p.Failure != null || j == null)
            {
                return "not measured";
            }

            return j.Outcome switch
            {
                PointOutcome.Pass => "pass",
                PointOutcome.Fail => "FAIL",
                PointOutcome.Inconclusive => "inconclusive",
                _ => "not measured",
            };
        }

        private static string Count(BenchRun run, PointOutcome outcome) => run.Count(outcome).ToString(CultureInfo.InvariantCulture);

        private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
