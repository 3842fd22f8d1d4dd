using System.Collections.Generic;
using System.Globalization;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.Report;
using AssetMeter.Bench.Run;
using Spectre.Console;

namespace AssetMeter.Bench.Cli
{
    /// <summary>The runner's progress as Spectre.Console progress bars: one per point, with what it is doing and its verdict.</summary>
    internal sealed class SpectreProgress : IBenchProgress
    {
        private readonly ProgressContext _context;
        private readonly Dictionary<int, ProgressTask> _tasks = new();
        private string _label = string.Empty;

        public SpectreProgress(ProgressContext context) => _context = context;

        public void RunStarted(string label, int points)
        {
            _label = label;
            _tasks.Clear();
        }

        public void PointStarted(int index, PointResult point)
        {
            string text = string.Create(CultureInfo.InvariantCulture, $"[grey]{Markup.Escape(_label)}[/] {point.Point.Id} {Markup.Escape(point.Point.Name)} ({point.DwellSeconds:0} s)");
            _tasks[index] = _context.AddTask(text, maxValue: 1.0);
        }

        public void PointProgress(int index, double fraction, string activity)
        {
            if (_tasks.TryGetValue(index, out ProgressTask? task))
            {
                task.Value = System.Math.Min(fraction, 1.0);
            }
        }

        public void PointFinished(int index, PointResult point)
        {
            if (!_tasks.TryGetValue(index, out ProgressTask? task))
            {
                return;
            }

            task.Value = 1.0;
            string verdict = point.Outcome switch
            {
                PointOutcome.Pass => "[green]pass[/]",
                PointOutcome.Fail => "[red]FAIL[/]",
                PointOutcome.Inconclusive => "[yellow]inconclusive[/]",
                _ => "[grey]not measured[/]",
            };
            string error = point.ErrorPercent is double e ? string.Create(CultureInfo.InvariantCulture, $" {e:+0.000;-0.000} %") : string.Empty;
            task.Description = string.Create(CultureInfo.InvariantCulture, $"[grey]{Markup.Escape(_label)}[/] {point.Point.Id} {Markup.Escape(point.Point.Name)}{error} {verdict}");
        }

        /// <summary>The summary table printed after a session.</summary>
        public static Table Summary(SessionResult session)
        {
            var table = new Table().AddColumns("Run", "Pass", "Fail", "Inconclusive", "Not measured", "Type 5");
            foreach (BenchRun run in session.Runs)
            {
                table.AddRow(Markup.Escape(run.Label), run.Count(PointOutcome.Pass).ToString(CultureInfo.InvariantCulture), run.Count(PointOutcome.Fail).ToString(CultureInfo.InvariantCulture),
                    run.Count(PointOutcome.Inconclusive).ToString(CultureInfo.InvariantCulture), run.Count(PointOutcome.NotMeasured).ToString(CultureInfo.InvariantCulture), BenchReport.Overall(run));
            }

            return table;
        }
    }
}
