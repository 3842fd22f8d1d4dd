using System;
using System.Diagnostics;
using System.Security.Cryptography;
using AssetMeter.Firmware.Crypto;

// Side by side, in one process: the portable (managed, nanoFramework-subset) crypto against .NET's platform
// implementations (OpenSSL on Linux). Host figures only: on the ESP32 the interpreter is orders of magnitude
// slower, so read the ratios as "how much work the managed code does", not as device timings.
internal static class Program
{
    private const double Seconds = 1.0;

    private static int Main()
    {
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine();
        Console.WriteLine($"{"operation",-34}{"managed",16}{".NET",16}{"ratio",10}");

        var random = new Random(1);
        foreach (int size in new[] { 64 * 1024, 256 })
        {
            var message = new byte[size];
            random.NextBytes(message);
            var digest = new byte[32];
            var sha = new Sha256();
            double managed = Rate(() =>
            {
                sha.Update(message, 0, message.Length);
                sha.Final(digest, 0);
            }) * size / 1e6;
            double platform = Rate(() => SHA256.HashData(message, digest)) * size / 1e6;
            Row($"SHA-256, {size}-byte messages", managed, platform, "MB/s", higherIsBetter: true);
        }

        {
            var key = new byte[32];
            random.NextBytes(key);
            var message = new byte[256];
            random.NextBytes(message);
            var mac = new byte[32];
            var hmac = new HmacSha256(key);
            using var platformHmac = new HMACSHA256(key);
            double managed = Rate(() =>
            {
                hmac.Update(message, 0, message.Length);
                hmac.Final(mac, 0);
            }) * message.Length / 1e6;
            double platform = Rate(() => platformHmac.TryComputeHash(message, mac, out _)) * message.Length / 1e6;
            Row("HMAC-SHA256, 256-byte messages", managed, platform, "MB/s", higherIsBetter: true);
        }

        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            ECParameters parameters = ecdsa.ExportParameters(false);
            var key = new byte[65];
            key[0] = 0x04;
            parameters.Q.X!.CopyTo(key, 1);
            parameters.Q.Y!.CopyTo(key, 33);
            byte[] digest = SHA256.HashData("set tariff"u8);
            byte[] der = ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);

            var first = Stopwatch.StartNew();
            var verifier = new EcdsaP256Verifier();
            bool ok = verifier.Verify(key, digest, der, 0, der.Length);
            first.Stop();
            if (!ok || !ecdsa.VerifyHash(digest, der, DSASignatureFormat.Rfc3279DerSequence))
            {
                Console.Error.WriteLine("signature did not verify");
                return 1;
            }

            double managed = 1e6 / Rate(() => verifier.Verify(key, digest, der, 0, der.Length));
            double platform = 1e6 / Rate(() => ecdsa.VerifyHash(digest, der, DSASignatureFormat.Rfc3279DerSequence));
            Row("ECDSA P-256 verify (DER)", managed, platform, "us", higherIsBetter: false);
            Console.WriteLine($"  first managed verify in the process, with the table of multiples of G: {first.Elapsed.TotalMilliseconds:F1} ms");
        }

        Console.WriteLine();
        Console.WriteLine("ratio: how many times slower the managed code is than .NET's (1.0 = as fast)");
        return 0;
    }

    private static void Row(string name, double managed, double platform, string unit, bool higherIsBetter)
    {
        double slower = higherIsBetter ? platform / managed : managed / platform;
        Console.WriteLine($"{name,-34}{managed,11:F1} {unit,-4}{platform,11:F1} {unit,-4}{slower,9:F1}x");
    }

    // Operations per second: a warm-up, then as many calls as fit in the measuring time.
    private static double Rate(Action action)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 0.3)
        {
            action();
        }

        long count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < Seconds)
        {
            for (int i = 0; i < 16; i++)
            {
                action();
            }

            count += 16;
        }

        return count / watch.Elapsed.TotalSeconds;
    }
}
