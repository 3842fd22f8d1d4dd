using System;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;

// Ten thousand power cuts (or the number given), half on each reference IC, most of them in the middle of a flash
// write left torn; prints what each campaign found. Exit code 1 if any invariant was broken.
int cuts = args.Length > 0 ? int.Parse(args[0]) : 10_000;
int failures = 0;
Console.WriteLine($"{"IC",-9} {"seed",4} {"cuts",6} {"torn",6} {"periods",8} {"sim h",7} {"worst loss Wh",14} {"bound Wh",9} {"wall s",7} violations");
foreach (var (ic, seed) in new[] { (IcKind.Ade7953, 101), (IcKind.Atm90e32, 102) })
{
    var report = new PowerCutCampaign(ic, seed).Run(cuts / 2);
    Console.WriteLine($"{ic,-9} {seed,4} {report.Cuts,6} {report.TornWrites,6} {report.PeriodsJournaled,8} {report.SimulatedHours,7:F0} {report.WorstLossWattHours,14:F3} {report.LossBoundWattHours,9:F3} {report.Elapsed.TotalSeconds,7:F1} {report.Violations.Count}");
    foreach (var violation in report.Violations)
    {
        Console.WriteLine("  " + violation);
    }

    failures += report.Violations.Count;
}

return failures == 0 ? 0 : 1;
