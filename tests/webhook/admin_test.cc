// The rules of subscriptions, in the webhook layer where they live: each refusal is a
// WebhookError whose kind the API turns into its status.
#include "webhook/webhook_admin.h"

#include <gtest/gtest.h>

#include "bus/inprocess_bus.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"
#include "webhook/webhook_error.h"
#include "webhook_receiver.h"

namespace decnet::webhook {
namespace {

using Kind = WebhookError::Kind;

class WebhookAdminTest : public ::testing::Test {
 protected:
  WebhookAdminTest()
      : repo_(store::sqlite::open_sqlite_repository({.path = dir_ / "db.sqlite"})),
        guard_(resolver_, false),
        deliverer_(guard_, RetryPolicy{}),
        admin_(*repo_, bus_, guard_, deliverer_, box_) {}
  ~WebhookAdminTest() override { repo_->close(); }

  static SubscriptionRequest request(std::string name) {
    SubscriptionRequest r;
    r.name = std::move(name);
    r.url = "https://93.184.216.34/hook";  // public; nothing is sent by these calls
    r.patterns = {"attacker.>"};
    return r;
  }
  Kind refusal(const std::function<void()>& call, std::string* field = nullptr) {
    try {
      call();
    } catch (const WebhookError& e) {
      if (field) *field = e.field();
      return e.kind();
    }
    ADD_FAILURE() << "no refusal";
    return Kind::kOperation;
  }

  decnet::testing::TempDir dir_;
  std::unique_ptr<store::Repository> repo_;
  bus::InProcessBus bus_;
  decnet::testing::NoDnsResolver resolver_;
  SsrfGuard guard_;
  Deliverer deliverer_;
  SecretBox box_{"admin test key"};
  WebhookAdmin admin_;
};

TEST_F(WebhookAdminTest, CreateGeneratesAndSealsTheSecretAndRefusesWhatTheRulesForbid) {
  const auto created = admin_.create(request("siem"));
  EXPECT_EQ(created.secret.size(), 43u);
  EXPECT_NE(created.row.secret_ciphertext, created.secret);
  EXPECT_EQ(box_.open(created.row.secret_ciphertext), created.secret);

  EXPECT_EQ(refusal([&] { admin_.create(request("siem")); }), Kind::kConflict);
  auto none = request("empty");
  none.patterns.clear();
  EXPECT_EQ(refusal([&] { admin_.create(none); }), Kind::kRejected);
  auto inward = request("inward");
  inward.url = "http://127.0.0.1/hook";
  std::string field;
  EXPECT_EQ(refusal([&] { admin_.create(inward); }, &field), Kind::kInvalid);
  EXPECT_EQ(field, "url");
}

TEST_F(WebhookAdminTest, TheNumberOfSubscriptionsIsBounded) {
  for (std::size_t i = 1; i < kMaxSubscriptions; ++i)
    admin_.create(request("s" + std::to_string(i)));
  admin_.create(request("last"));
  EXPECT_EQ(refusal([&] { admin_.create(request("one-too-many")); }), Kind::kConflict);
}

TEST_F(WebhookAdminTest, UpdateAndRemoveFollowTheSameRules) {
  const auto a = admin_.create(request("a")).row;
  admin_.create(request("b"));
  std::string field;
  EXPECT_EQ(refusal([&] { admin_.update(a.uuid, {.name = "b"}); }, &field), Kind::kConflict);
  EXPECT_EQ(field, "name");
  EXPECT_EQ(refusal([&] { admin_.update(a.uuid, {.patterns = std::vector<std::string>{}}); }),
            Kind::kRejected);
  EXPECT_EQ(admin_.update(a.uuid, {.name = "renamed"}).name, "renamed");
  EXPECT_EQ(admin_.update(a.uuid, {}).name, "renamed");  // nothing to change
  admin_.remove(a.uuid);
  EXPECT_EQ(refusal([&] { admin_.remove(a.uuid); }), Kind::kNotFound);
  EXPECT_EQ(refusal([&] { admin_.update(a.uuid, {.enabled = false}); }), Kind::kNotFound);
}

}  // namespace
}  // namespace decnet::webhook
