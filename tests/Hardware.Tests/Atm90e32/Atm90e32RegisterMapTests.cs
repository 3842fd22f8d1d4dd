using System;
using System.Reflection;
using System.Text;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Emulation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests.Atm90e32
{
    [TestClass]
    public sealed class Atm90e32RegisterMapTests
    {
        private static readonly string[] NotRegisters =
        {
            nameof(Atm90e32Register.SoftResetKey), nameof(Atm90e32Register.ConfigAccessKey), nameof(Atm90e32Register.ConfigAccessClosed),
            nameof(Atm90e32Register.ReadFlag), nameof(Atm90e32Register.AddressMask), nameof(Atm90e32Register.PhaseCount),
        };

        [TestMethod]
        public void EveryDriverAddressMatchesTheEmulatorsIndependentTable()
        {
            int checkedCount = 0;
            foreach (var field in typeof(Atm90e32Register).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (!field.IsLiteral || Array.IndexOf(NotRegisters, field.Name) >= 0)
                {
                    continue;
                }

                int address = (int)field.GetRawConstantValue()!;
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf(field.Name), address, field.Name);
                checkedCount++;
            }

            Assert.AreEqual(77, checkedCount, "every register constant was checked");
        }

        [TestMethod]
        public void PerPhaseRegistersAllBelongToTheSamePhase()
        {
            string[] letters = { "A", "B", "C" };
            for (int phase = 0; phase < 3; phase++)
            {
                var r = Atm90e32Register.Phase(phase);
                string x = letters[phase];
                Assert.AreEqual(phase, r.Phase);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("APenergy" + x), r.ForwardActiveEnergy);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("ANenergy" + x), r.ReverseActiveEnergy, "the ESPHome defect read phase A's reverse energy for every phase");
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("PQGain" + x), r.PQGain);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("Phi" + x), r.Phi);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("POffset" + x), r.POffset);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("Ugain" + x), r.Ugain);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("Igain" + x), r.Igain);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("Pmean" + x), r.Pmean);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("Pmean" + x + "LSB"), r.PmeanLsb);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("PFmean" + x), r.PFmean);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("Urms" + x), r.Urms);
                Assert.AreEqual(Atm90e32RegisterTable.AddressOf("Irms" + x), r.Irms);
            }
        }

        [TestMethod]
        public void APhaseOutsideAToCIsRefused()
        {
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Atm90e32Register.Phase(3));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Atm90e32Register.Phase(-1));
        }

        [TestMethod]
        public void DriverAndEmulatorCrcImplementationsAgreeOnTheStandardCheckValue()
        {
            byte[] check = Encoding.ASCII.GetBytes("123456789");
            int crc = Atm90e32Crc.Initial;
            foreach (byte b in check)
            {
                crc = Atm90e32Crc.Update(crc, b);
            }

            Assert.AreEqual(0x29B1, crc, "CRC-16/CCITT-FALSE check value");
            Assert.AreEqual(0x29B1, Atm90e32Emulator.Crc16(check));
        }

        [TestMethod]
        public void DriverAndEmulatorProtectTheSameRegisters()
        {
            int index = 0;
            foreach (var info in Atm90e32RegisterTable.All)
            {
                if (info.Protected)
                {
                    Assert.AreEqual(info.Address, Atm90e32Crc.ProtectedAddress(index), info.Mnemonic);
                    index++;
                }
            }

            Assert.AreEqual(Atm90e32Crc.ProtectedCount, index);
        }

        [TestMethod]
        public void DigestTheDriverExpectsIsTheDigestOfTheResetValuesWhenNothingIsWritten()
        {
            var chip = Atm90e32Emulator.Ideal(new LoadScenario(3));
            var values = new int[Atm90e32Crc.ProtectedCount];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Atm90e32RegisterTable.At(Atm90e32Crc.ProtectedAddress(i)).ResetValue;
            }

            Assert.AreEqual(Atm90e32Crc.Compute(values), chip.Peek(Atm90e32Register.CRCDigest));
        }
    }
}
