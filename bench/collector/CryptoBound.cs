using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Verification;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// The machine's own ECDSA P-256 verification rate: from <c>openssl speed</c> on every core (the bound the
    /// collector's throughput is read against: every record costs it one verification) and on one, and from a .NET
    /// <c>ECDsa.VerifyData</c> loop over a real meter record on one thread (what the collector's verifiers run).
    /// </summary>
    internal static class CryptoBound
    {
        /// <summary>
        /// Verifications per second from <c>openssl speed -seconds 3 [-multi N] ecdsap256</c> (the verify/s column,
        /// all N processes together), with the line it came from; null with the reason when openssl is missing or its
        /// output is not understood.
        /// </summary>
        public static (double? PerSecond, string Detail) OpenSsl(int processes)
        {
            var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            var arguments = new List<string> { "speed", "-seconds", "3" };
            if (processes > 1)
            {
                arguments.Add("-multi");
                arguments.Add(processes.ToString(CultureInfo.InvariantCulture));
            }

            arguments.Add("ecdsap256");
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            string output;
            try
            {
                using Process process = Process.Start(start)!;
                process.ErrorDataReceived += (_, _) => { };
                process.BeginErrorReadLine();
                output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (null, "openssl not found: " + e.Message);
            }

            // "256 bits ecdsa (nistp256)   0.0000s   0.0001s  32575.7  10844.8": sign s, verify s, sign/s, verify/s.
            foreach (string line in output.Split('\n'))
            {
                if (!line.Contains("(nistp256)", StringComparison.Ordinal))
                {
                    continue;
                }

                string[] columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (double.TryParse(columns[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double verify))
                {
                    return (verify, line.Trim());
                }
            }

            return (null, "openssl speed printed no nistp256 line");
        }

        /// <summary>.NET <c>ECDsa.VerifyData</c> on one thread, key imported once, over a real record: verifications per second.</summary>
        public static double DotNet(MeterRegistration meter, byte[] record, TimeSpan duration)
        {
            OcmfEnvelope envelope = OcmfEnvelope.TryParse(record, out string error) ?? throw new InvalidOperationException(error);
            using ECDsa key = RecordSignature.PublicKey(Convert.FromHexString(meter.KeyHex));
            byte[] payload = envelope.Payload;
            byte[] signature = envelope.Signature;
            if (!key.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                throw new InvalidOperationException("the bench record does not verify");
            }

            // Warm up (JIT, OpenSSL's first use), then count.
            for (int i = 0; i < 200; i++)
            {
                key.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }

            long count = 0;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < duration)
            {
                for (int i = 0; i < 100; i++)
                {
                    key.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                }

                count += 100;
            }

            return count / watch.Elapsed.TotalSeconds;
        }
    }
}
