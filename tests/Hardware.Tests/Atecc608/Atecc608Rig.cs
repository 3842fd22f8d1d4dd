using System;
using System.Security.Cryptography;
using AssetMeter.Hardware.Emulation;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Atecc608;

    /// <summary>
    /// An emulated ATECC608 behind a fault-injecting bus, woken by a general-call write, waiting on the emulator's
    /// simulated time, with the driver on top: what a shell composes on the device.
    /// </summary>
    internal sealed class Atecc608Rig : IDisposable
    {
        public Atecc608Rig(Atecc608Emulator chip, FaultPlan? plan = null)
        {
            Chip = chip;
            Plan = plan ?? FaultPlan.None;
            Bus = new FaultInjectingBus(chip, Plan, () => chip.NowMicroseconds / 1e6);
            Driver = new Atecc608(Bus, new GeneralCallWake(chip.GeneralCall), chip.Delay);
        }

        public Atecc608Emulator Chip { get; }

        public FaultPlan Plan { get; }

        public FaultInjectingBus Bus { get; }

        public Atecc608 Driver { get; }

        public static Atecc608Rig Provisioned(FaultPlan? plan = null) => new(Atecc608Emulator.CreateProvisioned(), plan);

        /// <summary>A .NET ECDsa that holds only the public key X || Y.</summary>
        public static ECDsa PublicKey(byte[] publicKey)
        {
            var x = new byte[32];
            var y = new byte[32];
            Array.Copy(publicKey, 0, x, 0, 32);
            Array.Copy(publicKey, 32, y, 0, 32);
            return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        }

        /// <summary>X || Y of a .NET key.</summary>
        public static byte[] RawPublicKey(ECDsa key)
        {
            ECParameters parameters = key.ExportParameters(false);
            var raw = new byte[64];
            Array.Copy(parameters.Q.X!, 0, raw, 0, 32);
            Array.Copy(parameters.Q.Y!, 0, raw, 32, 32);
            return raw;
        }

        public static bool VerifiesWithDotNet(byte[] publicKey, byte[] digest, byte[] signature)
        {
            using ECDsa key = PublicKey(publicKey);
            return key.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        public static byte[] Digest(string message) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(message));

        public void Dispose() => Chip.Dispose();
    }
}
