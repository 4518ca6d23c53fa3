// Jest setup file of the unit lane (jest.config.js): the Terraform harness reads this and refuses to start Terraform.
process.env.MIRADORE_TEST_LANE = "unit";
