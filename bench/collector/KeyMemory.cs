using System;
using System.Globalization;
using System.IO;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Verification;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// What keeping a meter's imported ECDSA key costs (the verifiers keep one per meter, as importing costs more than
    /// verifying): managed memory from the garbage collector, and the process's resident memory, which includes
    /// OpenSSL's own objects for the key.
    /// </summary>
    internal static class KeyMemory
    {
        private static (int Keys, double Managed, double Resident)? _measured;

        public static void Measure(BenchFleet fleet, int count)
        {
            count = Math.Min(count, fleet.Count);
            var envelopes = new OcmfEnvelope[count];
            for (int i = 0; i < count; i++)
            {
                envelopes[i] = OcmfEnvelope.TryParse(fleet.Record(i, fleet.Period), out _)!;
            }

            // Measured as what goes when the kept keys are let go, so that garbage of the fleet's making that a
            // collection frees in between is not counted as a key's.
            long resident = Resident();
            var signatures = new RecordSignature();
            for (int i = 0; i < count; i++)
            {
                if (signatures.Verify(fleet.Registrations[i], envelopes[i]) != null)
                {
                    throw new InvalidOperationException("a bench record did not verify");
                }
            }

            long withKeys = Heap();
            double native = (double)(Resident() - resident) / count;
            GC.KeepAlive(signatures);
            signatures.Dispose();
            signatures = null;
            double managed = (double)(withKeys - Heap()) / count;
            GC.KeepAlive(envelopes);
            _measured = (count, managed, native);
        }

        public static string Describe() => _measured is (int keys, double managed, double resident)
            ? string.Format(CultureInfo.InvariantCulture, "{0:N0} B managed, {1:N0} B resident in all (measured over {2:N0} keys)", managed, resident, keys)
            : "(not measured)";

        private static long Heap()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return GC.GetTotalMemory(true);
        }

        // VmRSS from /proc/self/status, in bytes.
        private static long Resident()
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
                }
            }

            return 0;
        }
    }
}
